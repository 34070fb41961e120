"""Real objects of the case for the access matrix test (`access/tests/test_matrix.py`): a risk flag in force,
which its page, its review and its removal all need (a removed flag's forms answer "not found")."""

from .factories import RegistrationFactory


def matrix_values(case, users) -> dict[str, dict]:
    flag = RegistrationFactory(person=case, registered_by=users["alice"])
    values = {"registration_id": flag.pk}
    return {
        "protection:flag": values,
        "protection:review-flag": values,
        "protection:remove-flag": values,
    }
