"""Pages for risk and needs, the sentence plan and the person's requests; every one reads the case through
``access.views.case_for`` and changes it only through ``assessments.actions``."""
