"""Pages of 信息发布, 政策解读 and 辟谣: the list with its search, a publication with its linked
interpretation (or document) and its questions and answers, the Atom feed, and the org's
publishing form. Thin views over `services`, `selectors` and `policy`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.consult import selectors, services
from massline.consult.forms import AnswerForm, InquiryForm, PublicationForm
from massline.consult.models import Category, Publication, PublicationKind
from massline.consult.pages import login_redirect, offer_orgs, picked_org
from massline.consult.policy import policy
from massline.core.errors import DomainError

PAGE_SIZE = 20


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    category = _int(request.GET.get("category"))
    q = request.GET.get("q", "").strip()[:50]
    qs = selectors.publications(kind=kind, category=category, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consult/news_index.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "kinds": PublicationKind.choices,
            "kind": kind,
            "categories": Category.objects.all(),
            "category": category,
            "q": q,
            "can_publish": policy(request.user).is_manager,
        },
    )


def _publication(request: HttpRequest, pk: int) -> Publication:
    """A publication; one dated in the future only for its own unit, until that time."""
    pub = Publication.objects.select_related("org", "category", "interprets").filter(pk=pk).first()
    if pub is None or (
        pub.published_at > timezone.now() and not policy(request.user).can_manage(pub)
    ):
        raise Http404(_("信息不存在。"))
    return pub


def _detail(request: HttpRequest, pub: Publication, status: int = 200, **forms) -> HttpResponse:
    return render(
        request,
        "consult/news_detail.html",
        {
            "p": pub,
            "interpretations": list(
                pub.interpretations.filter(published_at__lte=timezone.now()).order_by(
                    "published_at"
                )
            ),
            "inquiries": selectors.inquiries(request.user, pub),
            "manages": policy(request.user).can_manage(pub),
            "form": forms.get("form") or InquiryForm(),
            "answer_form": forms.get("answer_form") or AnswerForm(),
            "failed": forms.get("failed"),
        },
        status=status,
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _publication(request, pk))


@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = InquiryForm(request.POST)
    try:
        inquiry = services.ask(request.user, pub.pk, body=form.value("body"))
    except DomainError as exc:
        form.fail(exc)
        return _detail(request, pub, status=exc.status, form=form)
    messages.success(request, _("问题已提交，发布单位答复后公开。"))
    return redirect(reverse("news:detail", args=[pub.pk]) + f"#i-{inquiry.pk}")


@require_POST
def answer(request: HttpRequest, pk: int, inquiry_id: int) -> HttpResponse:
    pub = _publication(request, pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    if not policy(request.user).can_manage(pub):
        raise PermissionDenied(_("只有发布单位可以答复。"))
    form = AnswerForm(request.POST)
    try:
        if not pub.inquiries.filter(pk=inquiry_id).exists():
            raise Http404(_("提问不存在。"))
        services.answer_inquiry(request.user, inquiry_id, answer=form.value("answer"))
    except DomainError as exc:
        form.fail(exc)
        return _detail(request, pub, status=exc.status, answer_form=form, failed=inquiry_id)
    messages.success(request, _("答复已公开，提问人已收到通知。"))
    return redirect(reverse("news:detail", args=[pub.pk]) + f"#i-{inquiry_id}")


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    form = PublicationForm(request.POST or None)
    orgs = offer_orgs(request, form, _("您没有发布信息的权限。"))
    form.choose("category", [("", "—")] + [(str(c.pk), c.name) for c in Category.objects.all()])
    documents = Publication.objects.filter(kind=PublicationKind.POLICY).order_by("-published_at")
    form.choose("interprets", [("", "—")] + [(str(d.pk), d.title) for d in documents[:200]])
    status = 200
    if request.method == "POST":
        try:
            org = picked_org(form, orgs, "发布单位")
            category = Category.objects.filter(pk=_int(form.value("category")) or 0).first()
            interprets = documents.filter(pk=_int(form.value("interprets")) or 0).first()
            pub = services.publish(
                request.user,
                org=org,
                kind=form.value("kind"),
                title=form.value("title"),
                body=form.value("body"),
                category=category,
                doc_number=form.value("doc_number"),
                rumour=form.value("rumour"),
                interprets=interprets,
            )
        except DomainError as exc:
            form.fail(exc)
            status = exc.status
        else:
            messages.success(request, _("信息已发布。"))
            return redirect("news:detail", pk=pub.pk)
    page = {"form": form, "heading": _("发布信息"), "submit": _("发布")}
    return render(request, "consult/form_page.html", page, status=status)


class LatestFeed(Feed):
    """The latest 30 publications as Atom: announcements, documents, interpretations and
    refutations, each linking to its page."""

    feed_type = Atom1Feed
    title = "网上群众路线 · 信息发布"
    subtitle = "通知公告、政策文件、政策解读与辟谣"

    def link(self) -> str:
        return reverse("news:index")

    def items(self):
        return selectors.publications()[:30]

    def item_title(self, item: Publication) -> str:
        return f"【{item.get_kind_display()}】{item.title}"

    def item_description(self, item: Publication) -> str:
        return item.body[:300]

    def item_link(self, item: Publication) -> str:
        return reverse("news:detail", args=[item.pk])

    def item_pubdate(self, item: Publication):
        return item.published_at

    def item_author_name(self, item: Publication) -> str:
        return item.org.name

    def item_categories(self, item: Publication) -> list[str]:
        return [item.get_kind_display()] + ([item.category.name] if item.category else [])
