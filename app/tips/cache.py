"""The tips' public pages (list and map, statistics, exposure board) kept per process under the `tips` generation
(app.web.public_cache): bumped by every change to a tip, its kinds, photos or tallies, or to a district."""
from app.org.models import Place
from app.tips.models import Tip, TipCategory, TipPhoto, TipTally, tip_category_links
from app.web.public_cache import Generation

WATCHED = (Tip, TipCategory, TipPhoto, TipTally, Place)
TABLES = frozenset({model.__table__.name for model in WATCHED} | {tip_category_links.name})

generation = Generation("tips", lambda obj: isinstance(obj, WATCHED), lambda: set(TABLES))
