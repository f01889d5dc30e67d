"""State changes of petition cases (《信访工作条例》 2022). ``receive_case`` is the entry point other apps call.

Every function takes the ``Actor`` first, checks permission, validates, and
writes the change, its audit event, its deadlines and notifications in one
transaction. The functions live in ``intake`` (receipt and the acceptance
decision), ``handling`` (five-ones, extension) and ``replies`` (written
documents, deliveries, review, re-review, the petitioner's rating).
"""

from ._common import (
    ACCEPTANCE_RULE,
    CONCLUDE_RULE,
    EXTENDED_RULE,
    FIVE_ONES_FIELDS,
    OBJECTION_RULE,
)
from .handling import (
    decide_extension,
    missing_five_ones,
    request_extension,
    set_five_ones,
    start_resolution,
)
from .historic import record_historic_case
from .intake import (
    accept_case,
    decline_case,
    link_related,
    object_to_transfer,
    receive_case,
    reissue_query_code,
    transfer_case,
)
from .replies import (
    RE_REVIEW_RULE,
    REVIEW_RULE,
    issue_re_review_opinion,
    issue_reply,
    issue_review_opinion,
    rate_case,
    record_delivery,
    request_re_review,
    request_review,
)

__all__ = [
    "ACCEPTANCE_RULE",
    "CONCLUDE_RULE",
    "EXTENDED_RULE",
    "FIVE_ONES_FIELDS",
    "OBJECTION_RULE",
    "RE_REVIEW_RULE",
    "REVIEW_RULE",
    "accept_case",
    "decide_extension",
    "decline_case",
    "issue_re_review_opinion",
    "issue_reply",
    "issue_review_opinion",
    "link_related",
    "missing_five_ones",
    "object_to_transfer",
    "rate_case",
    "receive_case",
    "record_historic_case",
    "record_delivery",
    "reissue_query_code",
    "request_extension",
    "request_re_review",
    "request_review",
    "set_five_ones",
    "start_resolution",
    "transfer_case",
]
