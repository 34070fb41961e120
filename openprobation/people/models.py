"""The person on probation: identity, aliases, addresses, contacts and circumstances.

Equality data is special-category personal data and lives in its own model so that
it is only ever read through `access.access_equality_data`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

NO_FIXED_ABODE_POSTCODE = "NF1 1NF"


class Gender(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "O", "Other"
    NOT_KNOWN = "N", "Not known"


class Person(models.Model):
    crn = models.CharField("CRN", max_length=7, unique=True)
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    previous_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    pnc_number = models.CharField("PNC number", max_length=13, null=True, blank=True, unique=True)
    phone = models.CharField(max_length=30, blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    # Current allocation, kept in step with the Allocation history by staff.actions.
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="caseload"
    )
    team = models.ForeignKey("staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    allocated_on = models.DateField(null=True, blank=True)

    # Search keys: normalised and phonetic forms maintained by people.search.
    search_first = models.CharField(max_length=100, editable=False, default="")
    search_surname = models.CharField(max_length=100, editable=False, default="")
    phonetic_first = models.CharField(max_length=20, editable=False, default="")
    phonetic_surname = models.CharField(max_length=20, editable=False, default="")

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["surname", "first_name"]
        indexes = [
            models.Index(fields=["practitioner", "surname"]),
            models.Index(fields=["team", "surname"]),
            models.Index(fields=["phonetic_surname"]),
            models.Index(fields=["phonetic_first"]),
            models.Index(fields=["search_surname"]),
            models.Index(fields=["search_first"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(crn__regex=r"^[A-Z][0-9]{6}$"), name="person_crn_format"),
            models.CheckConstraint(
                condition=Q(practitioner__isnull=True) | Q(allocated_on__isnull=False),
                name="person_allocation_dated",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.crn})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"

    @property
    def display_name(self) -> str:
        return self.display_name_from(self.first_name, self.preferred_name, self.surname)

    @staticmethod
    def display_name_from(first_name: str, preferred_name: str, surname: str) -> str:
        """How a person is named on pages, from the columns alone: lists that read rows, not people, use it."""
        if preferred_name and preferred_name != first_name:
            return f"{first_name} ({preferred_name}) {surname}"
        return f"{first_name} {surname}"


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    search_first = models.CharField(max_length=100, editable=False, default="")
    search_surname = models.CharField(max_length=100, editable=False, default="")
    phonetic_first = models.CharField(max_length=20, editable=False, default="")
    phonetic_surname = models.CharField(max_length=20, editable=False, default="")

    class Meta:
        verbose_name_plural = "aliases"
        indexes = [
            models.Index(fields=["phonetic_surname"]),
            models.Index(fields=["search_surname"]),
            models.Index(fields=["phonetic_first"]),
            models.Index(fields=["search_first"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self):
        return f"{self.first_name} {self.surname}"


NO_FIXED_ABODE = "No fixed abode"  # how an address of no fixed abode reads in place of its lines or town


class AddressStatus(models.TextChoices):
    MAIN = "main", "Main"
    PREVIOUS = "previous", "Previous"
    POSTAL = "postal", "Postal"
    BAIL = "bail", "Bail"
    SECONDARY = "secondary", "Secondary"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    status = models.CharField(max_length=10, choices=AddressStatus.choices)
    no_fixed_abode = models.BooleanField(default=False)
    line_1 = models.CharField("Address line 1", max_length=100, blank=True)
    line_2 = models.CharField("Address line 2", max_length=100, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    type_description = models.CharField("Type of address", max_length=100, blank=True)
    verified = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["status", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="main"), name="address_one_main_per_person"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="address_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(no_fixed_abode=True) | ~Q(line_1=""),
                name="address_has_line_or_nfa",
            ),
        ]

    def __str__(self):
        if self.no_fixed_abode:
            return NO_FIXED_ABODE
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)


class PersonalCircumstance(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circumstances")
    type = models.CharField(max_length=100)
    subtype = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    verified = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="circumstance_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.type}: {self.subtype}" if self.subtype else self.type


class Disability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    type = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "disabilities"
        ordering = ["-start_date"]

    def __str__(self):
        return self.type


class Adjustment(models.Model):
    """A reasonable adjustment (provision) made for the person, e.g. a ground-floor room."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="adjustments")
    disability = models.ForeignKey(Disability, on_delete=models.SET_NULL, null=True, blank=True)
    type = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return self.type


class Relationship(models.TextChoices):
    CASE_ADMINISTRATOR = "case_admin", "Case administrator"
    CHILD = "child", "Child"
    CO_DEFENDANT = "co_defendant", "Co-defendant"
    EMERGENCY = "emergency", "Emergency contact"
    FAMILY = "family", "Family member"
    GP = "gp", "GP"
    NEXT_OF_KIN = "next_of_kin", "Next of kin"
    OTHER_PERSONAL = "other_personal", "Other personal contact"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    SOCIAL_WORKER = "social_worker", "Social worker"
    SOLICITOR = "solicitor", "Solicitor"


class PersonalContact(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="personal_contacts")
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["relationship", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"


class EqualityData(models.Model):
    """Special-category data. Read only through access.access_equality_data, never joined into lists."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="equality")
    ethnicity = models.CharField(max_length=100, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    sexual_orientation = models.CharField(max_length=100, blank=True)
    gender_identity = models.CharField(max_length=100, blank=True)
    nationality = models.CharField(max_length=100, blank=True)
    immigration_status = models.CharField(max_length=100, blank=True)
    preferred_language = models.CharField(max_length=100, blank=True)
    interpreter_required = models.BooleanField(default=False)
    pregnancy_maternity = models.CharField(max_length=100, blank=True)
    marital_status = models.CharField("Marriage or civil partnership", max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "equality data"

    def __str__(self):
        return f"Equality data for {self.person.crn}"
