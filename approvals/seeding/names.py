"""Word lists for synthetic people and organizations: varied enough that a partial-name
search (three letters of a place, a specialty) matches a realistic share of 100,000 names."""


def _words(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


FIRST_NAMES = _words(
    "Aaliyah Abdul Ada Adrian Aisha Alan Alejandro Alice Amara Amir Ana Andre Angela Anika "
    "Anthony Arjun Ava Beatriz Benjamin Bianca Brandon Brenda Caleb Camila Carlos Carmen "
    "Chen Chloe Chris Daniel Daria David Deepa Diana Diego Dmitri Elena Eli Elif Emeka Emily "
    "Erin Esther Ethan Fatima Felix Fiona Gabriel Grace Hana Hassan Helen Hiro Ian Imani "
    "Irene Isaac Ivy Jamal James Jasmine Javier Jin Joan Jorge Joseph Julia Kai Karen Kevin "
    "Kiara Kofi Lars Laura Leah Leon Lina Lucas Luz Maria Mark Maya Mei Miguel Mina Nadia "
    "Naomi Nathan Nia Noah Olga Omar Pablo Paula Peter Priya Quinn Rafael Rania Rosa Ruth "
    "Samuel Sara Sean Sofia Tariq Teresa Thomas Uma Victor Wei Yara Yusuf Zoe"
)
LAST_NAMES = _words(
    "Abbott Acosta Adeyemi Alvarez Anderson Baker Banerjee Barnes Bell Brooks Campbell Chang "
    "Chavez Cohen Cruz Dang Davis Diaz Edwards Ellis Evans Fischer Flores Foster Garcia Gomez "
    "Gonzalez Gupta Hall Harris Hernandez Hoang Hughes Ibrahim Jackson Jensen Johnson Jones "
    "Kaur Kelly Khan Kim Kowalski Kumar Lee Lewis Lopez Martin Martinez Mendoza Miller Mitchell "
    "Moore Morales Murphy Nakamura Nguyen Novak Nwosu Okafor Ortiz Osei Park Patel Perez "
    "Peterson Phillips Price Ramirez Reed Reyes Rivera Roberts Robinson Rodriguez Rossi "
    "Sanchez Santos Schmidt Shah Silva Singh Smith Sokolov Sullivan Tanaka Taylor Thomas "
    "Torres Tran Turner Walker Wang Ward Washington Watson White Williams Wilson Wong Wright "
    "Yamamoto Young Zhang"
)

# Places and landmarks that name clinics; each state's cities give the rest of the variety.
PLACES = _words(
    "Appalachian Aspen Atlantic Bayside Bayview Beacon Birchwood Blue Ridge Brookside "
    "Canyon Cascade Cedar Centennial Chesapeake Clearwater Coastal Cornerstone Cottonwood "
    "Crescent Cypress Delta Desert Eagle Eastside Evergreen Fairview Frontier Gateway Golden "
    "Granite Great Lakes Greenfield Gulf Coast Harbor Hawthorne Heartland Heritage Highland "
    "Hillcrest Horizon Ironwood Keystone Lakeshore Lakeside Liberty Lone Star Magnolia Maple "
    "Meadowbrook Mesa Midland Mission Mountain View Northern Oakwood Ocean Palmetto Pacific "
    "Piedmont Pine Valley Pinnacle Prairie Redwood Ridgeview Riverbend Riverside Rocky Mountain "
    "Sagebrush Seaside Sequoia Shoreline Sierra Silver Lake Southern Spring Valley Summit "
    "Sunrise Sunset Tidewater Timberline Tri-County Twin Rivers Union Valley Vista Westside "
    "Willow Creek Woodland"
)
SPECIALTIES = _words(
    "Family Medicine|Internal Medicine|Pediatrics|Cardiology|Orthopedics|Home Health|"
    "Hospice|Dialysis Center|Ambulance Service|Durable Medical Equipment|Physical Therapy|"
    "Behavioral Health|Oncology|Radiology|Imaging Center|Laboratory Services|Dermatology|"
    "Ophthalmology|Eye Care|Dental Group|Podiatry|Urology|Gastroenterology|Neurology|"
    "Pulmonology|Rheumatology|Endocrinology|Nephrology|Wound Care|Surgical Center|"
    "Skilled Nursing|Rehabilitation|Medical Supply|Pharmacy|Urgent Care|Women's Health|"
    "Sleep Center|Pain Management|Audiology|Infusion Services|Rural Health Clinic|"
    "Community Health Center|Senior Care|Medical Group|Health System|Hospital|"
    "Anesthesia Associates|Emergency Physicians|Chiropractic|Occupational Therapy",
    "|",
)
SUFFIXES = ("LLC", "Inc", "Associates", "Group", "PC", "PA", "Partners", "PLLC", "Corp", "")

GROUP_NAMES = _words(
    "Billing Office|Front Desk|Claims Team|Eligibility|Revenue Cycle|Coding|Scheduling|"
    "Medical Records|Compliance|Finance|Patient Accounts|Enrollment|Case Management|IT",
    "|",
)

# Weights roughly proportional to the number of providers: large states hold more.
STATE_WEIGHTS = {
    "CA": 12, "TX": 9, "FL": 7, "NY": 7, "PA": 4, "IL": 4, "OH": 4, "GA": 3, "NC": 3,
    "MI": 3, "NJ": 3, "VA": 3, "WA": 2, "AZ": 2, "MA": 2, "TN": 2, "IN": 2, "MD": 2, "MO": 2,
    "WI": 2, "CO": 2, "MN": 2, "SC": 2, "AL": 2, "LA": 2, "KY": 1, "OR": 1, "OK": 1, "CT": 1,
    "PR": 1, "UT": 1, "IA": 1, "NV": 1, "AR": 1, "MS": 1, "KS": 1, "NM": 1,
}  # fmt: skip  # every other state or territory weighs 0.3

CITIES = {
    "CA": ["Los Angeles", "San Diego", "Sacramento", "Fresno", "Oakland"],
    "TX": ["Houston", "Dallas", "Austin", "San Antonio", "El Paso"],
    "FL": ["Miami", "Tampa", "Orlando", "Jacksonville", "Tallahassee"],
    "NY": ["New York", "Buffalo", "Rochester", "Albany", "Syracuse"],
    "MD": ["Baltimore", "Annapolis", "Frederick", "Rockville"],
}
DEFAULT_CITIES = ["Springfield", "Franklin", "Greenville", "Clinton", "Madison", "Salem"]
STREETS = ["Main Street", "Oak Avenue", "Medical Parkway", "Commerce Drive", "Elm Street"]
