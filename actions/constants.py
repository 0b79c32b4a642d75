"""Names shared by the actions: intents, slots, entities and responses of the domain."""

# Intents
AFFIRM = "affirm"
DENY = "deny"
NLU_FALLBACK = "nlu_fallback"
REQUEST_HUMAN = "request_human"
REPORT_FRAUD = "report_fraud"

# Entities (and the slots of the same name that keep them)
AMOUNT = "amount"
METHOD = "method"
WHEN = "when"
ERROR_CODE = "error_code"

# Slots
TOPIC = "topic"
CASE_WHEN = "case_when"
CASE_FEATURE = "case_feature"
CASE_ERROR = "case_error"
CASE_SLOTS = (CASE_WHEN, CASE_FEATURE, CASE_ERROR)
FEEDBACK_RATING = "feedback_rating"
FEEDBACK_COMMENT = "feedback_comment"
REQUESTED_SLOT = "requested_slot"
# Value a form slot gets when the customer skips the question.
SKIPPED = "skipped"

# Responses
UTTER_OFFER_CASE_SUMMARY = "utter_offer_case_summary"
UTTER_INVALID_RATING = "utter_invalid_rating"
