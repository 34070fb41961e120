"""Synthetic vocabularies for the demo: places, phone numbers, circumstances, notes.

Everything here is invented or a public classification. Place names are fictional, postcodes use
area letters that no UK postcode uses, and phone numbers come from the ranges Ofcom keeps for drama,
so no generated address or number can reach a real person.
"""

# Region names for national scale; the first is the default small region.
REGION_NAMES = [
    ("NWD", "Northwold"),
    ("HBV", "Harbridge Vale"),
    ("KSM", "Kingsmere"),
    ("ASD", "Ashdale"),
    ("BRF", "Brackenfold"),
    ("SLM", "Saltmoor"),
    ("ELW", "Elderwick"),
    ("GRH", "Greyhollow"),
    ("RVH", "Ravensholm"),
    ("THC", "Thistlecombe"),
    ("CPD", "Copperdown"),
    ("LKD", "Larkspur Downs"),
]

# Towns that already have courts in the reference data come first.
FIRST_TOWNS = ["Northwold", "Harbridge", "Kingsmere", "Ashdale"]
# fmt: off
TOWN_STEMS = [
    "Brack", "Salt", "Elder", "Grey", "Ravens", "Thistle", "Copper", "Lark", "Fenn", "Wold", "Hollin",
    "Marra", "Tansy", "Quill", "Wren", "Ember", "Bramble", "Heron", "Sloe", "Yarrow", "Cinder", "Moss",
]
TOWN_ENDINGS = [
    "fold", "moor", "wick", "hollow", "holm", "combe", "down", "mere", "wold", "dale", "bridge", "ley",
]
# fmt: on

TEAM_SUFFIXES = ["North", "South", "Central", "East", "West", "Rural", "Riverside", "Hillside"]

# Postcode areas in use in the UK (including Crown dependencies and special areas): never generated.
REAL_POSTCODE_AREAS = frozenset(
    """
    AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E
    EC EH EN EX FK FY G GIR GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN
    LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP
    SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE NF
    """.split()  # noqa: SIM905  (a word list reads better than 120 quoted strings)
)
# Letters allowed in the second position of an area and in the inward code.
_AREA_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Ofcom drama ranges: (prefix, first number, digits to add).
DRAMA_LANDLINES = [
    ("0113 496 0", 0, 3),
    ("0114 496 0", 0, 3),
    ("0115 496 0", 0, 3),
    ("0116 496 0", 0, 3),
    ("0117 496 0", 0, 3),
    ("0118 496 0", 0, 3),
    ("0121 496 0", 0, 3),
    ("0161 496 0", 0, 3),
    ("01632 960", 0, 3),
]
DRAMA_MOBILE = ("07700 900", 0, 3)

EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
STAFF_EMAIL_DOMAIN = "staff.openprobation.example"

ADDRESS_TYPES = [
    ("Householder or owner", 12),
    ("Rented – private", 30),
    ("Rented – social housing", 30),
    ("Living with family or friends", 20),
    ("Supported housing", 6),
    ("Hostel", 2),
]
BUILDING_NAMES = ["Court", "House", "Lodge", "Mansions", "Heights", "Place"]

CIRCUMSTANCES = {
    "Employment": [
        ("Employed full-time", 25),
        ("Employed part-time", 15),
        ("Self-employed", 6),
        ("Unemployed – seeking work", 30),
        ("Unable to work – health", 12),
        ("In education or training", 6),
        ("Retired", 2),
    ],
    "Accommodation": [("Settled", 60), ("Temporary", 25), ("At risk of losing accommodation", 15)],
    "Benefits": [
        ("Universal Credit", 55),
        ("Personal Independence Payment", 15),
        ("Employment and Support Allowance", 10),
        ("State Pension", 3),
    ],
    "Relationships": [
        ("Single", 40),
        ("In a relationship – living together", 25),
        ("In a relationship – living apart", 20),
        ("Separated", 15),
    ],
    "Dependants": [
        ("Parent with care of children", 60),
        ("Carer for an adult", 20),
        ("Parent – no contact", 20),
    ],
    "Care experience": [("Care leaver", 100)],
    "Armed forces": [("Veteran", 100)],
}

# Disability -> suitable reasonable adjustments.
DISABILITIES = {
    "Learning difficulty": [
        "Easy read documents",
        "Extra time in appointments",
        "Appointment reminders by text",
    ],
    "Dyslexia": ["Easy read documents", "Information read aloud", "Coloured overlays"],
    "Autism spectrum condition": [
        "Quiet waiting area",
        "Same practitioner where possible",
        "Clear written plans",
    ],
    "Mental health condition": ["Quiet waiting area", "Shorter appointments", "Flexible appointment times"],
    "Mobility impairment": ["Ground floor room", "Accessible parking", "Home visits where needed"],
    "Hearing impairment": ["British Sign Language interpreter", "Hearing loop", "Contact by text not phone"],
    "Visual impairment": ["Large print letters", "Documents read aloud", "Accompanied to the interview room"],
    "Long-term health condition": ["Flexible appointment times", "Telephone appointments when unwell"],
    "Acquired brain injury": ["Written appointment summaries", "Appointment reminders by text"],
}

# Ethnic groups as in the 2021 Census classification for England and Wales.
ETHNICITIES = [
    ("White: English, Welsh, Scottish, Northern Irish or British", 640),
    ("White: Irish", 10),
    ("White: Gypsy or Irish Traveller", 12),
    ("White: Roma", 4),
    ("White: Any other White background", 60),
    ("Mixed: White and Black Caribbean", 25),
    ("Mixed: White and Black African", 8),
    ("Mixed: White and Asian", 8),
    ("Mixed: Any other Mixed or multiple ethnic background", 12),
    ("Asian or Asian British: Indian", 15),
    ("Asian or Asian British: Pakistani", 30),
    ("Asian or Asian British: Bangladeshi", 10),
    ("Asian or Asian British: Chinese", 3),
    ("Asian or Asian British: Any other Asian background", 10),
    ("Black, Black British, Caribbean or African: Caribbean", 30),
    ("Black, Black British, Caribbean or African: African", 30),
    ("Black, Black British, Caribbean or African: Any other Black background", 8),
    ("Other ethnic group: Arab", 5),
    ("Other ethnic group: Any other ethnic group", 8),
    ("Not stated", 40),
]
RELIGIONS = [
    ("No religion", 45),
    ("Christian", 30),
    ("Muslim", 9),
    ("Hindu", 1),
    ("Sikh", 1),
    ("Jewish", 1),
    ("Buddhist", 1),
    ("Any other religion", 2),
    ("Prefer not to say", 10),
]
SEXUAL_ORIENTATIONS = [
    ("Heterosexual or straight", 84),
    ("Gay or lesbian", 3),
    ("Bisexual", 3),
    ("Other sexual orientation", 1),
    ("Prefer not to say", 9),
]
GENDER_IDENTITY = [
    ("Same as sex registered at birth", 93),
    ("Different from sex registered at birth", 1),
    ("Prefer not to say", 6),
]
MARITAL_STATUSES = [
    ("Never married and never registered a civil partnership", 60),
    ("Married", 15),
    ("In a registered civil partnership", 1),
    ("Separated", 6),
    ("Divorced", 12),
    ("Widowed", 2),
    ("Prefer not to say", 4),
]
# (nationality, language, immigration status) for people who are not British citizens.
NATIONALITIES = [
    ("Irish", "English", "Irish citizen – common travel area"),
    ("Polish", "Polish", "EU Settlement Scheme – settled status"),
    ("Romanian", "Romanian", "EU Settlement Scheme – pre-settled status"),
    ("Lithuanian", "Lithuanian", "EU Settlement Scheme – settled status"),
    ("Portuguese", "Portuguese", "EU Settlement Scheme – settled status"),
    ("Jamaican", "English", "Indefinite leave to remain"),
    ("Pakistani", "Urdu", "Indefinite leave to remain"),
    ("Somali", "Somali", "Refugee status"),
    ("Albanian", "Albanian", "Limited leave to remain"),
    ("Eritrean", "Tigrinya", "Asylum claim pending"),
]

PROGRAMMES = [
    "Thinking skills programme",
    "Domestic abuse programme",
    "Drink-impaired drivers programme",
    "Violence reduction programme",
]
PROHIBITIONS = [
    "Not to enter licensed premises",
    "Not to attend football matches",
    "Not to contact the victim directly or indirectly",
    "Not to use social media to contact others",
]
APPROVED_PREMISES_STEMS = ["Beacon", "Harbour", "Linden", "Orchard", "Meadow", "Willow"]

UPW_PLACEMENTS = [
    "Group placement – community garden",
    "Group placement – charity shop warehouse",
    "Group placement – canal clearance",
    "Individual placement – food bank",
    "Group placement – churchyard maintenance",
    "Individual placement – furniture project",
]

COMMUNICATION_TOPICS = {
    "CTOA": [
        "Called to confirm next appointment",
        "Called about a change of address",
        "Called to say running late",
        "Called for advice about housing",
        "Called about a job interview",
    ],
    "CTOB": [
        "Reminder call about next appointment",
        "Welfare check call",
        "Call to follow up a missed call",
        "Call about employment support referral",
        "Call to rearrange home visit",
    ],
    "CMOA": [
        "Text confirming attendance",
        "Email with a copy of a tenancy agreement",
        "Text asking to rearrange appointment",
        "Email about a course place",
    ],
    "CMOB": [
        "Text reminder of appointment",
        "Email with housing support details",
        "Text with office address and time",
        "Email confirming referral",
    ],
    "CLOB": [
        "Appointment letter",
        "Letter confirming induction details",
        "Letter with supervision plan",
        "Letter confirming unpaid work start date",
    ],
    "CLOA": ["Letter with medical evidence", "Letter from employer confirming shifts"],
    "CTPP": [
        "Housing options team",
        "GP surgery",
        "Drug and alcohol service",
        "Jobcentre work coach",
        "Children's services",
        "Police domestic abuse enquiry",
        "Mental health team",
    ],
}
# What was learned from each professional contact; the sensitive ones are flagged as such.
PROFESSIONAL_NOTES = {
    "Housing options team": "Housing options confirmed {name} is on the waiting list; bidding number given.",
    "GP surgery": "GP surgery confirmed {name} is registered and has a review booked.",
    "Drug and alcohol service": "Treatment service confirmed {name} attended the assessment.",
    "Jobcentre work coach": "Work coach confirmed {name} is meeting the claimant commitment.",
    "Children's services": "Children's services confirmed the children are on a child in need plan. "
    "Information not to be shared with {name}'s ex-partner.",
    "Police domestic abuse enquiry": "Police shared two domestic call-outs to {name}'s address in the last year. "
    "Risk assessment to be reviewed.",
    "Mental health team": "Mental health team confirmed {name} is under the crisis team this month.",
}
SENSITIVE_PROFESSIONALS = frozenset(
    {"Children's services", "Police domestic abuse enquiry", "Mental health team"}
)

SESSION_TOPICS = [
    "reviewed progress against the sentence plan",
    "talked about finding stable accommodation",
    "worked through a session on consequential thinking",
    "discussed the offence and its effect on the victim",
    "looked at a budget and debts owed",
    "discussed alcohol use over the past fortnight",
    "discussed drug use and the referral to the treatment service",
    "talked about job applications and the CV workshop",
    "worked on managing conflict in relationships",
    "reviewed the conditions of supervision and what happens if they are not met",
    "discussed family contact and support network",
    "completed a worksheet on recognising triggers",
]
SESSION_OPENINGS = [
    "{name} arrived on time and engaged well.",
    "{name} attended and was polite and open.",
    "{name} attended a little late but apologised.",
    "{name} attended; engagement was mixed today.",
    "{name} attended and appeared motivated.",
]
SESSION_PLANS = [
    "Next appointment confirmed.",
    "Agreed to bring proof of address next time.",
    "Will chase the housing referral before the next session.",
    "Homework: keep a diary of difficult situations.",
    "Referral to the employment service to be made this week.",
    "No concerns noted.",
]
SENSITIVE_NOTES = [
    "{name} disclosed a recent mental health crisis. GP contacted with consent. Details restricted.",
    "{name} disclosed concerns about a family member's safety. Safeguarding referral made; see restricted notes.",
    "Information shared by police about a domestic incident at the address. Not to be discussed with {name}'s "
    "partner.",
    "{name} spoke about self-harm in the past month. Safety plan agreed and reviewed with the manager.",
]
ABSENCE_REASONS = {
    "AACL": "Attending a court hearing as a witness; confirmed by letter.",
    "AAEM": "Working a shift; employer's rota seen.",
    "AAFC": "Child unwell and no other carer available; school confirmed absence.",
    "AAHO": "Pre-agreed holiday, approved in advance.",
    "AAME": "Unwell; fit note provided.",
    "AARE": "Religious festival; agreed in advance.",
    "AARC": "Remanded in custody on a new matter; confirmed by the court.",
    "CO05": "Professional judgement: bereavement in the family the day before.",
    "CO10": "Failure accepted as no further failure followed in the next 12 months.",
    "ATSS": "Unpaid work session stood down by the provider: supervisor unavailable.",
}
FAILURE_NOTES = {
    "UAAB": "{name} did not attend and gave no acceptable reason when contacted.",
    "AFTC": "{name} attended but appeared under the influence and refused to take part.",
    "ATSH": "{name} was sent home from the session for abusive behaviour towards the supervisor.",
    "immediate": "{name} became aggressive and threatened staff during the appointment, which was ended.",
}
AFTA_NOTE = (
    "{name} did not attend. Said by phone they were unwell; asked to provide evidence within five "
    "working days."
)
RESCHEDULE_REASONS = {
    "person": [
        "Job interview at the same time",
        "Hospital appointment",
        "Childcare fell through",
        "Starting a new shift pattern",
    ],
    "service": [
        "Practitioner on training",
        "Office closed for maintenance",
        "Practitioner unwell",
        "Interview rooms unavailable",
    ],
}
BREACH_RATIONALES = [
    "Second unacceptable failure within 12 months of a warning: breach is required.",
    "Further failure after the first warning letter; referral to court for breach.",
]
IMMEDIATE_BREACH_RATIONALE = (
    "Serious first failure (threats made to staff during the appointment): immediate breach."
)
WITHDRAWAL_RATIONALE = "Evidence received that the absence was for a hospital admission; warning withdrawn."
RECALL_RATIONALE = "Repeated failures after a final warning and loss of contact: recall requested."
