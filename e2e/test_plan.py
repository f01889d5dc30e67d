"""The whole plan in a real browser, as its users meet it (issue 9).

First path: a warning registered by the peace office, verified, reported, assessed by the
head and escalated to an incident; the incident verified and reported within the 15-minute
deadline, activated by the head, a task force formed, its member checking in on a 375 px
phone; checklist, log, evidence with its hash, two demands; scene closed; each demand a
petition case with its five-ones; the petitioner's public page with the query code.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import docx

from e2e.walker import User, field, fill, form


def local_minutes_ago(minutes: int) -> str:
    """A ``datetime-local`` value in Asia/Shanghai, ``minutes`` ago."""
    at = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=minutes)
    return at.strftime("%Y-%m-%dT%H:%M")


def test_first_path(server, browser):
    staff = User(browser, server, "demo_peace_staff", path="first-path")
    staff.log_in()
    page = staff.page

    # -- the early-warning ledger: empty at first ------------------------------------------
    staff.go("/warnings/", "ledger-empty")
    assert "登记预警信息" in page.locator("main tbody").inner_text()  # says what to do next
    staff.go("/warnings/new/", "warning-register")
    fill(
        page,
        {
            "类别": "扬言",
            "信息来源": "",
            "事由": "某村三十余名村民因征地补偿款发放问题扬言到区集访",
            "原因": "征地补偿款分配争议",
            "地点": "村委会门口",
            "参与人数": "30",
        },
    )
    staff.submit("登记", "warning-registered")
    warning_url = page.url
    fill(form(page, "/verify/"), {"备注": "电话联系村支书核实属实"})
    staff.submit("保存", "warning-verified", within=form(page, "/verify/"))
    # The report lacks parts of §五(三): refused, each error next to its field.
    fill(form(page, "/report/"), {"危害程度": "", "紧急程度": ""})
    shown = staff.submit(
        "保存", "warning-report-refused", within=form(page, "/report/"), refused=True
    )
    assert shown and all(e.startswith("报告须写明") for e in shown), shown
    assert page.locator("main .field.has-error").count() == len(shown)
    fill(
        form(page, "/report/"),
        {
            "事件时间": local_minutes_ago(20),
            "事态发展": "村民正在微信群串联，尚未聚集",
            "工作措施": "村干部入户做解释工作，平安办跟进",
        },
    )
    staff.submit("保存", "warning-reported", within=form(page, "/report/"))
    assert "已报告" in page.locator("h1").inner_text()

    head = User(browser, server, "demo_head", path="first-path")
    head.log_in()
    page = head.page
    head.go(warning_url.removeprefix(server.url), "warning-for-head")
    fill(form(page, "/assess/"), {"紧急程度": "", "危害程度": ""})
    head.submit("保存", "warning-assessed", within=form(page, "/assess/"))
    fill(form(page, "/escalate/"), {"事件类别": "本镇"})
    head.submit("保存", "warning-escalated", within=form(page, "/escalate/"))
    assert "已升级" in page.locator("h1").inner_text()
    page.get_by_role("link", name=re.compile("^SJ|事件")).first.click()
    head.page_done("incident-board")
    assert "还剩" in page.inner_text("main")  # the 15-minute deadline counts down
    page.get_by_role("link", name=re.compile(r"^SJ\d{4}-\d{4}")).first.click()
    head.page_done("incident-for-head")
    incident = page.url.removeprefix(server.url)

    # -- the peace office verifies and reports the incident within the 15 minutes ------------
    page = staff.page
    staff.go(incident, "incident-for-staff")
    page.get_by_role("link", name="核实", exact=True).click()
    staff.page_done("incident-verify")
    page.get_by_label("属实", exact=True).check()
    fill(page, {"备注": "派出所民警到场核实，约三十人聚集"})
    staff.submit("保存", "incident-verified")
    fill(
        page,
        {
            "信访人（牵头人员）": "村民代表2人",
            "可能造成的危害程度": "可能到区集访",
            "紧急程度": "较急",
            "事态发展": "人员在村委会门口聚集，情绪平稳",
        },
    )
    staff.submit("保存", "incident-reported")
    assert "已报告" in page.locator("h1").inner_text()

    # -- the head activates the plan and forms the task force ------------------------------
    page = head.page
    head.go(incident, "incident-reported-for-head")
    head.submit("启动预案", "incident-activated")
    page.get_by_role("link", name="工作专班", exact=True).click()
    head.page_done("task-force-form")
    page.get_by_label(re.compile("黄磊")).first.check()
    head.submit("保存", "task-force-formed")

    # -- the task-force member checks in on a 375 px phone ----------------------------------
    member = User(browser, server, "demo_task_force", phone=True, path="first-path")
    member.log_in()
    page = member.page
    member.go(incident + "check-in/", "check-in")
    member.submit("我已出发", "checked-in-dispatched")
    member.submit("我已到达", "checked-in-arrived")
    assert "已到达" in page.inner_text("main")
    member.go(incident, "incident-on-scene")
    for step in ("control", "guidance", "recording"):
        member.submit("完成", f"ticked-{step}", within=form(page, f"/tick/{step}/"))
    fill(form(page, "/log/"), {"现场记录": "专班到场，与村民代表座谈，现场秩序平稳"})
    member.submit("添加记录", "log-entry-1", within=form(page, "/log/"))
    fill(form(page, "/log/"), {"现场记录": "村民同意推选两名代表反映诉求，其余人员劝离"})
    member.submit("添加记录", "log-entry-2", within=form(page, "/log/"))
    # Two representatives of the group, then its two demands.
    for name in ("张某", "李某"):
        fill(form(page, "/parties/"), {"姓名/名称": name, "身份": "代表"})
        member.submit("添加", f"party-{name}", within=form(page, "/parties/"))
    for demand in ("要求公开征地补偿款分配明细", "要求按时足额发放剩余补偿款"):
        f = form(page, "/demands/")
        fill(f, {"诉求": demand})
        for box in f.get_by_role("checkbox").all():
            box.check()
        member.submit("登记诉求", "demand-registered", within=f)
    page.get_by_role("link", name="登记证据").click()
    member.page_done("evidence-form")
    video = member.dir / "DSJ-001-scene.mp4"
    # An MP4 by its content (the ftyp box, then the media data): uploads are checked by content.
    ftyp = (24).to_bytes(4, "big") + b"ftypisom" + (512).to_bytes(4, "big") + b"isommp41"
    media = b"body-camera export " * 64
    video.write_bytes(ftyp + (8 + len(media)).to_bytes(4, "big") + b"mdat" + media)
    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    fill(
        page,
        {
            "记录仪编号": "DSJ-001",
            "佩戴人": "黄磊",
            "录制开始": local_minutes_ago(8),
            "录制结束": local_minutes_ago(2),
            "存放位置": "平安办证据柜1号",
        },
    )
    field(page, "文件（上传时计算 SHA-256）").set_input_files(str(video))
    member.submit("保存", "evidence-registered")
    assert digest in page.content() or digest[:14] in page.inner_text("main")
    member.close()

    # -- the head closes the scene; the peace office makes each demand a petition case -------
    page = staff.page
    staff.go(incident, "incident-aftermath")
    cases = []
    for n in range(2):
        staff.submit(
            "转为信访事项",
            f"demand-case-{n + 1}",
            within=page.locator("main form[action*='/case/']").first,
        )
        cases.append(page.url.removeprefix(server.url))
        staff.go(incident, "incident-aftermath")
    page.goto(server.url + cases[0])
    page = head.page
    head.go(incident, "incident-before-closing")
    head.submit("结束现场处置", "scene-closed")
    assert "善后" in page.locator("h1").inner_text()

    # -- the written summary report (plan §七(三)), then the incident is closed --------------
    page.get_by_role("link", name="提交总结报告").click()
    head.page_done("summary-form")
    fill(
        page,
        {
            "事件概况": "某村三十余名村民因征地补偿款分配问题聚集",
            "处置经过": "平安办十五分钟内核实报告，组长启动预案，专班到场疏导",
            "处置结果": "现场平稳，人员劝离，两项诉求转为信访事项",
            "善后处置（五个一）": "两项信访事项均已明确五个一",
            "经验教训": "补偿款分配方案应及时张榜公布",
        },
    )
    head.submit("保存", "summary-filed")
    assert "补偿款分配方案应及时张榜公布" in page.inner_text("main")
    # The summary report as a Word document: downloaded and its text checked.
    with page.expect_download() as got:
        page.get_by_role("link", name="总结报告（Word）").click()
    saved = head.dir / "summary-report.docx"
    got.value.save_as(saved)
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    for part in ("SJ2026-0001", "平安办十五分钟内核实报告", "补偿款分配方案应及时张榜公布"):
        assert part in text, f"{part!r} not in the summary report:\n{text}"
    head.submit("结束事件", "incident-closed")
    assert "已结束" in page.locator("h1").inner_text()

    # -- the peace office head names the five-ones of each case (plan §七(一)) ---------------
    chief = User(browser, server, "demo_peace_head", path="first-path")
    chief.log_in()
    page = chief.page
    chief.go("/petitions/?view=all", "petition-cases")
    numbers = ["XF2026-0001", "XF2026-0002"]
    for number in numbers:
        chief.go("/petitions/?view=all", "petition-cases")
        page.get_by_role("link", name=number).first.click()
        chief.page_done(f"case-{number}")
        page.get_by_role("link", name="明确“五个一”").click()
        chief.page_done(f"five-ones-{number}")
        fill(
            page,
            {
                "责任单位": "",
                "牵头领导": "王建国",
                "责任人": "刘洋",
                "工作措施": "公开分配明细，逐户核对",
                "化解方案": "一个月内完成核对并答复",
            },
        )
        chief.submit("保存", f"five-ones-named-{number}")
        assert "公开分配明细" in page.inner_text("main")
    chief.close()

    # -- the peace office accepts the first case, resolves it and replies in writing ---------
    page = staff.page
    staff.go("/petitions/?view=all", "petition-cases-staff")
    page.get_by_role("link", name=numbers[0]).first.click()
    staff.page_done("case-for-staff")
    case = page.url.removeprefix(server.url)

    def step(title: str, name: str, values: dict[str, str] | None = None) -> None:
        staff.go(case, "case-for-staff")
        page.get_by_role("link", name=title, exact=True).click()
        staff.page_done(f"{name}-form")
        if values:
            fill(page.locator("main form").first, values)
        staff.submit("保存", name)

    step("受理", "accepted")
    step("启动化解", "resolution-started")
    step(
        "出具处理意见书",
        "reply-written",
        {
            "信访请求": "要求公开征地补偿款分配明细",
            "查明事实": "补偿款分配方案已经村民代表会议通过，但未张榜公布",
            "处理意见": "责成村委会于七日内张榜公布分配明细",
            "依据": "《信访工作条例》第三十二条",
            "复查机关": "区人民政府",
        },
    )
    staff.go(case, "case-replied")
    page.get_by_role("link", name="登记送达").first.click()
    staff.page_done("delivery-form")
    fill(page.locator("main form").first, {"送达方式": "", "送达时间": local_minutes_ago(1)})
    staff.submit("保存", "delivered")
    staff.go(case, "case-for-staff")

    # -- a query code for the petitioner, who opens the public page on a phone ---------------
    staff.submit("重新生成查询码", "query-code")
    code = page.locator("#query-code").inner_text().strip()
    staff.close()
    head.close()

    petitioner = User(browser, server, "petitioner", phone=True, path="first-path")
    page = petitioner.page
    petitioner.go("/q/", "public-page")
    fill(page, {"信访事项编号": numbers[0], "查询码": code})
    petitioner.submit("查询", "public-case")
    assert numbers[0] in page.inner_text("main")
    assert "责成村委会于七日内张榜公布分配明细" in page.inner_text("main")
    page.get_by_role("radio", name="满意", exact=True).check()
    petitioner.submit("提交评价", "public-rated")
    assert "您的评价：满意" in page.inner_text("main")
    petitioner.close()
