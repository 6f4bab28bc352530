"""The demo directory: about thirty services of the town across the categories (names
of the kind the town has; addresses on the demo's streets), three of them not checked
for over a year."""

from __future__ import annotations

import random
from datetime import timedelta

from cal.core.rooms import DemoSeed
from cal.directory.models import Category, DirectoryEntry
from cal.directory.services import search_text_of
from cal.extensions import db

C = Category
# name, category, what it offers, who is eligible, cost, accessibility (step-free, toilet,
# parking, loop, sign language)
ENTRIES = [
    ("Dzienny Dom Pomocy – rehabilitacja ruchowa", C.REHABILITATION,
     "Ćwiczenia usprawniające, fizjoterapia indywidualna i grupowa.",
     "Osoby z orzeczeniem o niepełnosprawności, ze skierowaniem lekarza.", "bezpłatnie",
     (1, 1, 1, 0, 0)),
    ("Poradnia Rehabilitacyjna przy Szpitalu Miejskim", C.REHABILITATION,
     "Rehabilitacja ambulatoryjna w ramach NFZ.", "Pacjenci ze skierowaniem.",
     "bezpłatnie (NFZ)", (1, 1, 1, 1, 0)),
    ("Gabinet fizjoterapii domowej „Krok”", C.REHABILITATION,
     "Wizyty fizjoterapeuty w domu osoby leżącej.", "Osoby, które nie wychodzą z domu.",
     "120 zł za wizytę; dofinansowanie z PFRON", (0, 0, 0, 0, 0)),
    ("Ośrodek Wczesnej Interwencji", C.THERAPY,
     "Terapia logopedyczna, integracja sensoryczna, wsparcie rodziców małych dzieci.",
     "Dzieci do 7 lat z opinią o potrzebie wczesnego wspomagania.", "bezpłatnie",
     (1, 1, 1, 1, 1)),
    ("Poradnia Psychologiczno-Pedagogiczna", C.THERAPY,
     "Diagnoza, terapia pedagogiczna i psychologiczna, orzeczenia o kształceniu specjalnym.",
     "Dzieci i młodzież szkolna z rodzicami.", "bezpłatnie", (1, 1, 0, 1, 0)),
    ("Środowiskowy Dom Samopomocy", C.THERAPY,
     "Zajęcia terapeutyczne, trening umiejętności społecznych, posiłek.",
     "Dorośli z zaburzeniami psychicznymi lub niepełnosprawnością intelektualną.",
     "bezpłatnie lub częściowa odpłatność wg dochodu", (1, 1, 1, 0, 0)),
    ("Miejski przewóz osób z niepełnosprawnościami", C.TRANSPORT,
     "Bus z windą dla osób na wózkach: dojazd do lekarza, na rehabilitację, do urzędu.",
     "Osoby z orzeczeniem o znacznym stopniu niepełnosprawności lub poruszające się na "
     "wózku; zamówienie telefoniczne dzień wcześniej.", "3 zł za przejazd", (1, 0, 0, 0, 0)),
    ("Taksówka socjalna – Stowarzyszenie „Razem”", C.TRANSPORT,
     "Przewóz osób starszych i z niepełnosprawnościami z kierowcą-asystentem.",
     "Mieszkańcy miasta powyżej 65 lat i osoby z orzeczeniem.", "1 zł za km",
     (1, 0, 0, 0, 0)),
    ("Dowóz dzieci do szkół specjalnych", C.TRANSPORT,
     "Bezpłatny dowóz dzieci z niepełnosprawnościami do przedszkola i szkoły.",
     "Dzieci z orzeczeniem o potrzebie kształcenia specjalnego; wniosek w Urzędzie Miasta.",
     "bezpłatnie", (1, 0, 0, 0, 0)),
    ("Asystent osobisty osoby z niepełnosprawnością", C.ASSISTANCE,
     "Pomoc w codziennych czynnościach, wyjściach i załatwianiu spraw.",
     "Osoby z orzeczeniem o znacznym lub umiarkowanym stopniu niepełnosprawności.",
     "bezpłatnie (program rządowy)", (1, 1, 1, 0, 0)),
    ("Usługi opiekuńcze Ośrodka Pomocy Społecznej", C.ASSISTANCE,
     "Pomoc w domu: zakupy, posiłki, higiena, sprawy urzędowe.",
     "Osoby samotne, które wymagają pomocy innych; decyzja ośrodka.",
     "odpłatność wg dochodu", (1, 1, 0, 1, 0)),
    ("Opieka wytchnieniowa", C.ASSISTANCE,
     "Kilka godzin lub dni opieki, by opiekun rodzinny mógł odpocząć.",
     "Rodziny i opiekunowie osób z niepełnosprawnościami.", "bezpłatnie",
     (1, 1, 1, 0, 0)),
    ("Powiatowe Centrum Pomocy Rodzinie – dofinansowania PFRON", C.PFRON,
     "Turnusy rehabilitacyjne, sprzęt ortopedyczny, likwidacja barier.",
     "Osoby z orzeczeniem; dochód poniżej progu programu.", "dofinansowanie do 80–95%",
     (1, 1, 1, 1, 0)),
    ("Program „Aktywny Samorząd”", C.PFRON,
     "Dofinansowanie wózka, protezy, prawa jazdy, nauki na studiach.",
     "Osoby z orzeczeniem o znacznym lub umiarkowanym stopniu; wniosek przez SOW.",
     "dofinansowanie", (1, 1, 1, 1, 0)),
    ("Świadczenie pielęgnacyjne i zasiłek pielęgnacyjny", C.PFRON,
     "Informacja i przyjmowanie wniosków o świadczenia dla opiekunów.",
     "Opiekunowie osób z orzeczeniem o znacznym stopniu niepełnosprawności.",
     "bezpłatnie", (1, 1, 0, 1, 1)),
    ("Wypożyczalnia sprzętu rehabilitacyjnego Caritas", C.EQUIPMENT,
     "Łóżka, wózki, balkoniki, koncentratory tlenu na czas choroby.",
     "Każdy mieszkaniec, na podstawie zaświadczenia lekarskiego.", "kaucja 100 zł",
     (1, 0, 1, 0, 0)),
    ("Wypożyczalnia sprzętu przy Centrum Seniora", C.EQUIPMENT,
     "Kule, laski, podnośniki do wanny, nasadki toaletowe.", "Seniorzy i ich rodziny.",
     "bezpłatnie", (1, 1, 0, 0, 0)),
    ("Likwidacja barier architektonicznych w mieszkaniu", C.HOUSING,
     "Dofinansowanie przystosowania łazienki, podjazdu, poszerzenia drzwi.",
     "Osoby z orzeczeniem, właściciele lub najemcy lokalu za zgodą właściciela.",
     "dofinansowanie do 95%", (1, 1, 1, 1, 0)),
    ("Mieszkania chronione Miejskiego Ośrodka", C.HOUSING,
     "Mieszkanie treningowe i wspierane z pomocą asystenta.",
     "Osoby z niepełnosprawnością przygotowujące się do samodzielnego życia.",
     "odpłatność wg dochodu", (1, 1, 0, 0, 0)),
    ("Zakład Aktywności Zawodowej", C.EMPLOYMENT,
     "Praca w pralni i introligatorni z opieką trenera pracy.",
     "Osoby ze znacznym lub umiarkowanym stopniem niepełnosprawności.",
     "wynagrodzenie za pracę", (1, 1, 1, 0, 0)),
    ("Warsztaty Terapii Zajęciowej", C.EMPLOYMENT,
     "Pracownie: stolarska, krawiecka, komputerowa, kulinarna.",
     "Dorośli z orzeczeniem ze wskazaniem do terapii zajęciowej.", "bezpłatnie",
     (1, 1, 1, 0, 0)),
    ("Powiatowy Urząd Pracy – doradca dla osób z niepełnosprawnościami", C.EMPLOYMENT,
     "Oferty pracy, staże, szkolenia, dofinansowanie stanowiska pracy.",
     "Osoby zarejestrowane jako bezrobotne lub poszukujące pracy.", "bezpłatnie",
     (1, 1, 1, 1, 1)),
    ("Szkoła Podstawowa Specjalna nr 5", C.EDUCATION,
     "Klasy terapeutyczne, zajęcia rewalidacyjne, świetlica.",
     "Dzieci z orzeczeniem o potrzebie kształcenia specjalnego.", "bezpłatnie",
     (1, 1, 1, 1, 0)),
    ("Biblioteka Miejska – książki mówione i powiększone", C.EDUCATION,
     "Audiobooki, czytaki, książki z dużą czcionką, dowóz książek do domu.",
     "Czytelnicy z niepełnosprawnością wzroku i seniorzy.", "bezpłatnie",
     (1, 1, 0, 1, 0)),
    ("Sekcja boccii i pływania – Miejski Ośrodek Sportu", C.SPORT_CULTURE,
     "Treningi boccii, basen z podnośnikiem, zajęcia z instruktorem.",
     "Dzieci i dorośli z niepełnosprawnościami.", "bezpłatnie", (1, 1, 1, 0, 0)),
    ("Dom Kultury – teatr integracyjny", C.SPORT_CULTURE,
     "Zajęcia teatralne i muzyczne grup integracyjnych, spektakle z audiodeskrypcją.",
     "Wszyscy chętni.", "bezpłatnie", (1, 1, 1, 1, 1)),
    ("Grupa wsparcia dla rodziców dzieci z autyzmem", C.SUPPORT_GROUPS,
     "Spotkania raz w miesiącu z psychologiem, wymiana doświadczeń.",
     "Rodzice i opiekunowie.", "bezpłatnie", (1, 1, 0, 0, 0)),
    ("Klub osób po udarze „Nowy Start”", C.SUPPORT_GROUPS,
     "Spotkania, ćwiczenia pamięci i mowy, wsparcie rodzin.",
     "Osoby po udarze i ich bliscy.", "bezpłatnie", (1, 1, 1, 0, 0)),
    ("Punkt nieodpłatnej pomocy prawnej", C.LEGAL,
     "Porady prawne, pomoc w pismach do sądów i urzędów.",
     "Każda osoba, która nie może ponieść kosztów porady; po złożeniu oświadczenia.",
     "bezpłatnie", (1, 1, 1, 1, 0)),
    ("Miejski Rzecznik Konsumentów i osób z niepełnosprawnościami", C.LEGAL,
     "Pomoc w sporach, odwołaniach od orzeczeń, sprawach z ZUS.",
     "Mieszkańcy miasta.", "bezpłatnie", (1, 1, 0, 1, 1)),
]
HOURS = ["pon.–pt. 8:00–16:00", "pon.–pt. 7:30–15:30", "wt. i czw. 10:00–18:00",
         "pon.–pt. 9:00–17:00, sob. 9:00–13:00"]


def seed(demo) -> None:
    rng = random.Random(22)  # its own: the rest of the town stays as it was
    streets = ["ul. Słoneczna", "ul. Lipowa", "ul. Parkowa", "ul. Szkolna", "ul. Ogrodowa"]
    for n, (name, category, offers, who, cost, access) in enumerate(ENTRIES):
        checked = demo.today - timedelta(days=rng.randint(20, 300) if n % 10 else 400 + n)
        entry = DirectoryEntry(
            name=name, category=category, description=offers, eligibility=who, cost=cost,
            address=f"{rng.choice(streets)} {rng.randint(1, 60)}",
            district_id=rng.choice(demo.districts).id,
            phone=f"{rng.choice('4588')}{rng.randint(10, 99)} {rng.randint(100, 999)} "
                  f"{rng.randint(100, 999)}",
            hours=rng.choice(HOURS), source="informacja telefoniczna", checked_on=checked,
            **dict(zip(("step_free", "accessible_toilet", "parking", "induction_loop",
                        "sign_language"), map(bool, access), strict=True)))
        entry.search_text = search_text_of(entry)
        db.session.add(entry)
    demo.made["directory entries"] = len(ENTRIES)


SEED = DemoSeed("directory", seed, 45)
