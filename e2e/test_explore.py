from e2e.walker import User

def test_logins(server, browser):
    for login in ["demo_peace_staff", "demo_head"]:
        u = User(browser, server, login, path="explore")
        u.log_in()
        print(u.page.inner_text("main"))
        u.close()
