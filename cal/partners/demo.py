"""The demo register: the eleven partners the centre works with (police, the court, the
alcohol commission, the mental-health clinic, the municipal police, two schools, the
library, the culture centre, the sports centre, a neighbourhood association), with a
few contact people, agreements and entries of the cooperation log. It runs before the
projects' and the events' seeds, which link to partners by name."""

from __future__ import annotations

import random
from datetime import date, timedelta

from cal.commands.demo import FEMALE, MALE, SURNAMES, Demo
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.text import fold
from cal.partners import services
from cal.partners.models import LogKind, PartnerKind

K = PartnerKind
# name, kind, address, phone, e-mail, website, agreement (note, years back or None),
# contacts (position, female or not)
PARTNERS = [
    ("Komenda Powiatowa Policji", K.POLICE, "ul. Kościuszki 21", "47 862 12 00",
     "dyzurny@policja.example.pl", "https://policja.example.pl",
     ("Porozumienie o współpracy w przeciwdziałaniu przemocy domowej", 2),
     [("dzielnicowy", False), ("specjalista ds. nieletnich", True)]),
    ("Sąd Rejonowy – Zespół Kuratorskiej Służby Sądowej", K.COURT, "ul. Sądowa 3",
     "33 812 30 40", "kuratorzy@sad.example.pl", "", None,
     [("kurator zawodowy", True)]),
    ("Miejska Komisja Rozwiązywania Problemów Alkoholowych", K.OTHER,
     "Urząd Miasta, pl. Ratuszowy 1, pok. 12", "33 812 20 15", "mkrpa@um.example.pl", "",
     ("Porozumienie w sprawie grupy wsparcia dla rodzin", 1),
     [("przewodnicząca komisji", True)]),
    ("Poradnia Zdrowia Psychicznego", K.HEALTH, "ul. Szpitalna 7", "33 812 55 00",
     "rejestracja@pzp.example.pl", "", None, [("psycholog", True)]),
    ("Straż Miejska", K.POLICE, "ul. Kościuszki 19", "33 812 19 86",
     "straz@um.example.pl", "", None, [("komendant", False)]),
    ("Szkoła Podstawowa nr 3", K.SCHOOL, "ul. Szkolna 5", "33 812 45 03",
     "sekretariat@sp3.example.pl", "https://sp3.example.pl",
     ("Porozumienie o pomocy w nauce prowadzonej przez wolontariuszy", 1),
     [("pedagog szkolny", True), ("wicedyrektor", False)]),
    ("Szkoła Podstawowa nr 5 im. Marii Konopnickiej", K.SCHOOL, "ul. Polna 14",
     "33 812 45 05", "sekretariat@sp5.example.pl", "", None, [("pedagog szkolny", True)]),
    ("Miejska Biblioteka Publiczna", K.CULTURE, "ul. Mickiewicza 2", "33 812 60 60",
     "biblioteka@mbp.example.pl", "https://mbp.example.pl",
     ("Porozumienie o udostępnianiu sali konferencyjnej", 3), [("kierowniczka filii", True)]),
    ("Miejski Dom Kultury", K.CULTURE, "ul. Słowackiego 8", "33 812 70 70",
     "mdk@mdk.example.pl", "https://mdk.example.pl",
     ("Umowa partnerska w projekcie „Aktywni razem”", 1), [("instruktor", False)]),
    ("Ośrodek Sportu i Rekreacji", K.SPORT, "ul. Sportowa 1", "33 812 80 80",
     "osir@osir.example.pl", "", None, [("koordynator zajęć", False)]),
    ("Stowarzyszenie Sąsiedzkie „Razem”", K.NGO, "ul. Słoneczna 4, lok. 2", "",
     "razem@razem.example.org", "", ("Umowa partnerska w projekcie „Aktywni razem”", 1),
     [("prezeska zarządu", True)]),
]
# Partner (by the start of its name), days ago, kind, note.
LOG = [
    ("Komenda", 40, LogKind.MEETING, "Zespół interdyscyplinarny: plan dyżurów dzielnicowego "
     "w punkcie konsultacyjnym na kolejny kwartał."),
    ("Komenda", 12, LogKind.REFERRAL, "Dzielnicowy skierował rodzinę do punktu konsultacyjnego "
     "(dane w dokumentacji zespołu)."),
    ("Miejska Komisja", 60, LogKind.MEETING, "Uzgodniono finansowanie grupy wsparcia dla "
     "rodzin osób uzależnionych."),
    ("Poradnia Zdrowia", 20, LogKind.JOINT_EVENT, "Ustalenia przed prelekcją o depresji: "
     "prowadząca, sala, materiały."),
    ("Szkoła Podstawowa nr 3", 30, LogKind.MEETING, "Pedagog szkolny wskazała potrzeby "
     "pomocy w nauce w klasach 4–6."),
    ("Miejska Biblioteka", 15, LogKind.OTHER, "Rezerwacja sali konferencyjnej na prelekcję."),
    ("Miejski Dom Kultury", 90, LogKind.JOINT_EVENT, "Wspólny festyn sąsiedzki na osiedlu."),
    ("Stowarzyszenie", 45, LogKind.MEETING, "Komitet sterujący projektu „Aktywni razem”."),
]


def _contact(rng: random.Random, position: str, female: bool, domain: str,
             taken: set[str]) -> dict:
    """A contact person of a name not used yet, with an e-mail at the partner's domain."""
    surnames = [pair for pair in SURNAMES if pair[0] not in taken]
    pair = rng.choice(surnames)
    taken.add(pair[0])
    first, last = rng.choice(FEMALE if female else MALE), pair[1 if female else 0]
    return {"first_name": first, "last_name": last, "position": position, "notes": "",
            "email": f"{fold(first)[0]}.{fold(last)}@{domain}"}


def seed(demo: Demo) -> None:
    rng, today = random.Random(11), demo.today
    coordinator = demo.users[Role.COORDINATOR]
    made, taken = {}, set()
    for name, kind, address, phone, email, website, agreement, contacts in PARTNERS:
        note, years = agreement or ("", None)
        partner = services.save_partner(None, {
            "name": name, "kind": kind, "address": address, "phone": phone, "email": email,
            "website": website, "agreement_note": note, "notes": "", "active": True,
            "agreement_from": date(today.year - years, 1, 1) if years else None,
            "agreement_until": date(today.year + 1, 12, 31) if years else None},
            coordinator)
        for position, female in contacts:
            services.save_contact(partner, None, {
                **_contact(rng, position, female, email.split("@")[1], taken),
                "phone": phone or "604 210 330"}, coordinator)
        made[name] = partner
    for start, days, kind, note in LOG:
        partner = next(p for name, p in made.items() if name.startswith(start))
        services.add_log_entry(partner, {"held_on": today - timedelta(days=days), "kind": kind,
                                         "note": note}, coordinator, today)


SEED = DemoSeed("partners", seed, 28)
