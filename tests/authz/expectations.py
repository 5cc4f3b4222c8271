"""The authorization matrix, written down: every URL pattern's class, and for every URL that
names an object, who gets what (SPEC 1, 6, 7; docs/approval-matrix.md; docs/help-desk.md).

Nothing here is read from the code under test: the answers are what the specification and the
docs say. ``test_url_classification`` fails for a pattern no table names, so a new URL cannot
be missed; the matrix tests (``test_portal_matrix``, ``test_admin_matrix``,
``test_sign_in_states``) ask every actor for every object URL and compare with these tables
(the admin's, per model: ``admin_expectations``).

Answers: ``OK`` (200), ``LOGIN`` (sent to sign in), ``FORBIDDEN`` (403), ``NOT_FOUND`` (404),
``BAD_REQUEST`` (400) or ``redirect(...)``. The portal answers 404, not 403, to a signed-in
person who may not see an object (approvals' convention: not even its existence is told); the
admin answers 403 to staff without the permission, as Django's admin does.
"""

from dataclasses import dataclass

from django.urls import reverse

from tests.approvals.world import MATRIX

# The actors ---------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
# Organization X is the world's "a" (groups A = a_billing and A-front), Y is "b".
ACTORS: dict[str, str] = {
    ANONYMOUS: "not signed in (past the warning screen)",
    "applicant": "End User of group A-front with a pending request to join group A",
    "a_end_user": "End User of group A",
    "a_billing_uga": "UGA of group A",
    "a_front_uga": "UGA of another group (A-front) of organization X",
    "b_uga": "UGA of a surrogate group of organization Y",
    "a_bso": "BSO of organization X",
    "a_so": "SO of organization X",
    "b_so": "SO of organization Y",
    "practitioner": "Individual Practitioner",
    "help_desk": "Help Desk agent (staff)",
    "cms": "CMS Approver (staff)",
    "staff_without_permission": "staff member in no group",
    "superuser": "administrator (superuser)",
}
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
STAFF = frozenset({"help_desk", "cms", "staff_without_permission", "superuser"})
NOBODY: frozenset[str] = frozenset()
HELP_DESK_AND_UP = frozenset({"help_desk", "cms", "superuser"})
CMS_AND_UP = frozenset({"cms", "superuser"})
SUPERUSER = frozenset({"superuser"})

# The answers --------------------------------------------------------------------------------

OK = "200"
BAD_REQUEST = "400"
FORBIDDEN = "403"
NOT_FOUND = "404"
LOGIN = "login"
# Admin answers that depend on the object: its own change page.
TO_CHANGE_PAGE = "redirect to its change page"


def redirect(name: str) -> str:
    return f"redirect {reverse(name)}"


@dataclass(frozen=True)
class Rule:
    """``may`` get ``yes``; every other signed-in actor ``no``; the anonymous visitor
    ``anonymous`` (unless ``may`` names them too)."""

    may: frozenset[str]
    yes: str = OK
    no: str = NOT_FOUND
    anonymous: str = LOGIN

    def answer(self, actor: str) -> str:
        if actor in self.may:
            return self.yes
        return self.anonymous if actor == ANONYMOUS else self.no


def everyone(answer: str) -> Rule:
    """The same answer for every actor, the anonymous visitor too."""
    return Rule(frozenset(ACTORS), yes=answer)


def get_and_post(rule: Rule) -> dict[str, Rule]:
    return {"GET": rule, "POST": rule}


# The URL patterns that name no object --------------------------------------------------------
# Keyed by name (or by route for an unnamed pattern). A pattern with a parameter that names an
# object belongs in OBJECT_URLS (or ADMIN_MODELS) instead.

# Anyone who entered from the warning screen: the warning itself, registration, status lookup,
# recovery, sign-in, health.
PUBLIC = {
    "health",
    "accounts:warning",
    "accounts:introduction",
    "accounts:account_management",
    "accounts:login",
    "accounts:logout",
    "accounts:session_status",
    "accounts:session_keepalive",
    "accounts:session_ended",
    "accounts:forgot_user_id",
    "accounts:forgot_user_id_sent",
    "accounts:forgot_password",
    "accounts:forgot_password_sent",
    "accounts:password_reset_questions",
    "accounts:password_reset_new",
    "accounts:password_reset_done",
    "registration:start",
    "registration:role",
    "registration:role-terms",
    "registration:user-information",
    "registration:verify-email",
    "registration:contact",
    "registration:new-organization",
    "registration:organization",
    "registration:group-action",
    "registration:user-group",
    "registration:practice",
    "registration:justification",
    "registration:review",
    "registration:cancel",
    "registration:acknowledgement",
    "approvals:status",
}
# Signed in, the person's own data only (the anonymous visitor is sent to sign in).
OWN_DATA = {
    "accounts:my_profile",
    "accounts:change_password",
    "accounts:change_answers",
    "accounts:answers_saved",
    "accounts:contact",
    "accounts:change_email",
    "accounts:change_email_verify",
    "approvals:queue",
    "organizations:manage-roles",
    "registration:add-role",
    "registration:associate",
}
# The sign-in code and two-factor pages: their answer depends on the session's state
# (test_sign_in_states has the table).
SIGN_IN_STATES = {
    "accounts:login_code",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:two_factor_backup_codes",
    "accounts:two_factor_remove",
}
# The development outbox's list (its messages are in OBJECT_URLS): DEBUG only.
DEVELOPMENT = {"outbox:list"}
# The admin's own pages: staff with a verified second factor only.
ADMIN_PAGES = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:app_list",
    "admin/(?P<url>.*)$",  # the admin's catch-all: a missing page
}

# The portal's URLs that name an object -------------------------------------------------------
# URL key -> the object it is asked for (built in test_portal_matrix's world) -> method -> Rule.

REQUEST_KIND_LABEL = "a pending {kind} request"
OBJECT_URLS: dict[str, dict[str, dict[str, Rule]]] = {
    # Pending Approvals, a request's page: its deciders (approvals/world.py MATRIX) see it and
    # decide it (an empty POST shows the form again); to anyone else it does not exist.
    "approvals:detail": {
        **{
            REQUEST_KIND_LABEL.format(kind=kind): get_and_post(
                Rule(frozenset(deciders) & SIGNED_IN)
            )
            for kind, (_, _, deciders) in MATRIX.items()
        },
        "the applicant's pending request to join group A": get_and_post(
            Rule(frozenset({"a_billing_uga"}))  # never the applicant: nobody decides their own
        ),
        # Whoever decided it (or could have) is told so, on the queue; anyone else: 404.
        "the applicant's decided request": get_and_post(
            Rule(frozenset({"a_front_uga"}), yes=redirect("approvals:queue"))
        ),
        "an unknown tracking number": get_and_post(Rule(NOBODY)),
    },
    # An applicant cancels their own pending request (My Profile); nobody else's exists.
    "my_requests:cancel": {
        "the applicant's pending request to join group A": {
            "GET": Rule(frozenset({"applicant"})),
            "POST": Rule(frozenset({"applicant"}), yes=redirect("accounts:my_profile")),
        },
        "the surrogate UGA's pending association": {
            "GET": Rule(frozenset({"b_uga"})),
            "POST": Rule(frozenset({"b_uga"}), yes=redirect("accounts:my_profile")),
        },
        "the applicant's decided request": get_and_post(
            Rule(frozenset({"applicant"}), yes=redirect("accounts:my_profile"))
        ),
        "a registration without an account": get_and_post(Rule(NOBODY)),
    },
    # Manage Roles, removing one (docs/approval-matrix.md "Removing roles"): the page and its
    # form (an empty POST asks for the reason) for who may remove it; 404 for anyone else.
    "organizations:remove-role": {
        "the End User role of group A": get_and_post(
            Rule(frozenset({"a_so", "a_bso", "a_billing_uga"}))
        ),
        "the End User role of group A-front": get_and_post(
            Rule(frozenset({"a_so", "a_bso", "a_front_uga"}))
        ),
        "the UGA role of group A": get_and_post(Rule(frozenset({"a_so", "a_bso"}))),
        "the BSO role of organization X": get_and_post(Rule(frozenset({"a_so"}))),
        "the only SO role of organization X": get_and_post(Rule(NOBODY)),
        "the SO role of organization Y": get_and_post(Rule(NOBODY)),
        "the UGA role of Y's surrogate group": get_and_post(Rule(frozenset({"b_so"}))),
        "the Individual Practitioner role": get_and_post(Rule(NOBODY)),
        "a removed End User role of group A": get_and_post(Rule(NOBODY)),
        "an unknown role": get_and_post(Rule(NOBODY)),
    },
    # The emailed reset link only moves its token into the session, the same for everyone;
    # the next page then checks it: the questions for a visitor with a good link, "link not
    # valid" (400) for a forged one; a signed-in person goes to My Profile.
    "accounts:password_reset_confirm": {
        "a valid link of the End User of group A": {
            "GET": Rule(
                NOBODY,
                no=f"{redirect('accounts:password_reset_questions')} then "
                f"{redirect('accounts:my_profile')}",
                anonymous=f"{redirect('accounts:password_reset_questions')} then {OK}",
            )
        },
        "a forged link": {
            "GET": Rule(
                NOBODY,
                no=f"{redirect('accounts:password_reset_questions')} then "
                f"{redirect('accounts:my_profile')}",
                anonymous=f"{redirect('accounts:password_reset_questions')} then {BAD_REQUEST}",
            )
        },
    },
    # New User Registration's terms of a community: public reference data; an empty POST asks
    # to accept them.
    "registration:terms": {
        "the Provider/Supplier community": get_and_post(everyone(OK)),
        "an inactive community": get_and_post(everyone(NOT_FOUND)),
        "an unknown community": get_and_post(everyone(NOT_FOUND)),
    },
    # The development outbox: every message for anyone while OUTBOX_PAGE_ENABLED (DEBUG) is
    # on, and nothing at all otherwise. GET only (require_safe).
    "outbox:detail": {
        "a message, outbox on": {"GET": everyone(OK)},
        "an unknown message, outbox on": {"GET": everyone(NOT_FOUND)},
        "a message, outbox off": {"GET": everyone(NOT_FOUND)},
    },
    "outbox:html": {
        "a message, outbox on": {"GET": everyone(OK)},
        "an unknown message, outbox on": {"GET": everyone(NOT_FOUND)},
        "a message, outbox off": {"GET": everyone(NOT_FOUND)},
    },
    # The admin's "view on site" for any object: staff only; no model has a public page, so
    # it is 404 for every staff member, whatever they may see.
    "admin:view_on_site": {
        "an account": {"GET": Rule(STAFF, yes=NOT_FOUND, no=FORBIDDEN)},
    },
    # Staff never choose a password (Reset password emails one): 404 for all staff.
    "admin:auth_user_password_change": {
        "an account": get_and_post(Rule(STAFF, yes=NOT_FOUND, no=FORBIDDEN)),
    },
}

# The sign-in code and two-factor pages, per state of the session ------------------------------
# (ADR 7: the password, then the code if the person has an authenticator app, then the
# first-login setup, then setting up an app where the role requires one.)

SIGN_IN_STATES_OF_THE_SESSION = {
    "anonymous": "not signed in",
    "code pending": "password accepted, the authenticator's code not yet entered",
    "code timed out": "password accepted longer ago than SIGN_IN_CODE_TIMEOUT",
    "password only": "signed in without the code although the person has an app (the sign-in "
    "pages never make this session: it must be ended)",
    "first sign-in setup": "signed in with the temporary password, not yet changed",
    "app required, none yet": "an SO signed in who has not set up an authenticator app",
    "two factors": "an SO signed in with the password and the code",
    "no two-factor needed": "an End User signed in, without an app",
    "staff with two factors": "a Help Desk agent signed in with the password and the code",
}
_SIGNED_OUT = {"anonymous": LOGIN, "code pending": LOGIN, "code timed out": LOGIN}
_SET_UP_FIRST = {
    "password only": LOGIN,
    "first sign-in setup": redirect("accounts:change_password"),
    "app required, none yet": redirect("accounts:two_factor_setup"),
}
_ENROLLED_ONLY = {
    **_SIGNED_OUT,
    **_SET_UP_FIRST,
    "two factors": OK,
    "no two-factor needed": redirect("accounts:two_factor"),  # nothing to renew or turn off
    "staff with two factors": OK,
}
# page -> method -> state -> answer (an empty POST: the form again, with its errors)
SIGN_IN_STATE_ANSWERS: dict[str, dict[str, dict[str, str]]] = {
    "accounts:login_code": {
        method: {
            **{state: LOGIN for state in SIGN_IN_STATES_OF_THE_SESSION},
            "code pending": OK,
            "first sign-in setup": redirect("accounts:change_password"),
            "app required, none yet": redirect("accounts:two_factor_setup"),
            # Signed in already (Back, Refresh after the code): on to My Profile.
            "two factors": redirect("accounts:my_profile"),
            "no two-factor needed": redirect("accounts:my_profile"),
            "staff with two factors": redirect("accounts:my_profile"),
        }
        for method in ("GET", "POST")
    },
    "accounts:two_factor": {
        "GET": {
            **_SIGNED_OUT,
            **_SET_UP_FIRST,
            "two factors": OK,
            "no two-factor needed": OK,
            "staff with two factors": OK,
        }
    },
    "accounts:two_factor_setup": {
        method: {
            **_SIGNED_OUT,
            **_SET_UP_FIRST,
            "app required, none yet": OK,
            "two factors": OK,  # replacing the app (asks for the password)
            "no two-factor needed": OK,
            "staff with two factors": OK,
        }
        for method in ("GET", "POST")
    },
    "accounts:two_factor_backup_codes": {"GET": _ENROLLED_ONLY, "POST": _ENROLLED_ONLY},
    "accounts:two_factor_remove": {"GET": _ENROLLED_ONLY, "POST": _ENROLLED_ONLY},
}
