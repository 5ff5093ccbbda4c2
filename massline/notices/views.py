"""The notification centre: a person's notices, newest first, and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.notices import services
from massline.notices.models import Notice

PAGE_SIZE = 30
signed_in = login_required(login_url="residents:login")


@require_GET
@signed_in
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = Notice.objects.filter(recipient_id=request.user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {"page_obj": page, "notices": page.object_list, "unread_only": unread_only},
    )


@require_GET
@signed_in
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link, marking it read; another person's notice is a 404."""
    notice = get_object_or_404(Notice, pk=pk, recipient_id=request.user.pk)
    services.mark_read(request.user, [notice.pk])
    safe = url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()})
    return redirect(notice.link if notice.link and safe else reverse("notices:inbox"))


@require_http_methods(["GET", "POST"])
@signed_in
def settings_page(request: HttpRequest) -> HttpResponse:
    """Which channels (besides this centre) bring this person their notices."""
    if request.method == "POST":
        services.choose_channels(request.user, request.POST.getlist("channels"))
        messages.success(request, _("通知方式已保存。"))
        return redirect("notices:settings")
    return render(
        request, "notices/settings.html", {"choices": services.channel_choices(request.user)}
    )


@require_POST
@signed_in
def read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]
    services.mark_read(request.user, ids if "all" not in request.POST else None)
    return redirect(reverse("notices:inbox") + ("?unread=1" if request.POST.get("unread") else ""))
