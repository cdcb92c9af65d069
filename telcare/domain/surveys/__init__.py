"""Satisfaction surveys: templates as data, who gets asked and when, reply parsing, scores.

* A template (code + version) is data: its questions with the answers each allows
  (a 1–5 scale, 满意/一般/不满意, or free text), the trigger it answers (a shop
  visit, a hotline call, a closed ticket, a new G3 subscription, an online visit, or
  an online chat that ended),
  the provinces it covers (none = all), its active window and its sampling share.
  Changing a template makes a new version; a survey and its answers keep theirs.
* Sending: a trigger is sampled by a hash of its key (deterministic, so tests are
  exact); a subscriber gets at most one survey per 7 days; a survey due in quiet
  hours (22:00–08:00 Asia/Shanghai) is held until 08:00; it stays open 48 hours
  from when it goes out.
* By SMS only the template's first question (the headline) is asked; a reply is
  a score (``1``–``5``, full-width digits too, or 满意/一般/不满意) optionally followed
  by a comment, which is kept.
* Scores: the share of satisfied answers (4 or 5, i.e. 满意) with a Wilson interval,
  and the mean score with a normal interval, grouped by any of province, channel
  (the service window, i.e. the trigger), shop, template version and month.
"""

from telcare.domain.surveys.replies import (
    LOW_SCORE_UPTO,
    MAX_COMMENT,
    SATISFIED_FROM,
    Answer,
    Malformed,
    follow_up_category,
    normalise,
    parse_form,
    parse_reply,
)
from telcare.domain.surveys.scores import (
    DIMENSIONS,
    Z95,
    Scored,
    ScoreRow,
    mean_interval,
    score_table,
    wilson,
)
from telcare.domain.surveys.sending import (
    OPEN_FOR,
    RESURVEY_AFTER,
    SURVEY_NUMBER,
    expires_at,
    is_g3_package,
    may_survey,
    sampled,
    send_time,
)
from telcare.domain.surveys.templates import (
    THREE_LEVELS,
    AnswerKind,
    Question,
    Template,
    Trigger,
    Via,
    check_template,
    choose_template,
    may_edit,
    template_from_dict,
    template_to_dict,
)

__all__ = [
    "DIMENSIONS",
    "LOW_SCORE_UPTO",
    "MAX_COMMENT",
    "OPEN_FOR",
    "RESURVEY_AFTER",
    "SATISFIED_FROM",
    "SURVEY_NUMBER",
    "THREE_LEVELS",
    "Z95",
    "Answer",
    "AnswerKind",
    "Malformed",
    "Question",
    "ScoreRow",
    "Scored",
    "Template",
    "Trigger",
    "Via",
    "check_template",
    "choose_template",
    "expires_at",
    "follow_up_category",
    "is_g3_package",
    "may_edit",
    "may_survey",
    "mean_interval",
    "normalise",
    "parse_form",
    "parse_reply",
    "sampled",
    "score_table",
    "send_time",
    "template_from_dict",
    "template_to_dict",
    "wilson",
]
