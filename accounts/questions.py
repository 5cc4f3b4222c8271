"""The ten authentication questions offered (SPEC 5.3), created by a data migration."""

QUESTIONS = [
    "What is the name of the street you grew up on?",
    "What was the name of your first pet?",
    "What is your oldest cousin's first name?",
    "What was the make of your first car?",
    "In what city did your parents meet?",
    "What was the name of your elementary school?",
    "What is your favorite book?",
    "What was your childhood nickname?",
    "What is the middle name of your oldest sibling?",
    "In what city or town was your first job?",
]


def ensure_questions(question_model) -> None:
    for order, text in enumerate(QUESTIONS, start=1):
        question_model.objects.update_or_create(text=text, defaults={"order": order})
