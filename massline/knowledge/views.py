"""The residents' side of the knowledge base: public answers, searched by words; as they
type a title on the 我要留言 page, the same search answers htmx with a fragment."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from massline.core.validation import UNSTORABLE
from massline.knowledge import policy
from massline.knowledge.selectors import matching


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or request.GET.get("title") or "").strip()[:100]
    region = request.GET.get("region_code", "").strip()[:12]
    entries = policy.public("" if UNSTORABLE.search(region) else region)
    matches = [m.entry for m in matching(entries, q, limit=8)] if q else []
    context = {"q": q, "matches": matches}
    if request.headers.get("HX-Request"):
        return render(request, "knowledge/partials/suggestions.html", context)
    return render(request, "knowledge/search.html", context)
