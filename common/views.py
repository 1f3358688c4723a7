from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .selectors import active_profile_for, active_profiles


class LoginView(auth_views.LoginView):
    template_name = "common/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    return render(request, "common/home.html", {"profiles": active_profiles(request.user)})


@login_required
@require_POST
def switch_org(request):
    profile = active_profile_for(request.user, request.POST.get("org_id"))
    if profile is None:
        messages.error(request, "You are not a member of that org.")
    else:
        request.session["org_id"] = str(profile.org_id)
    return redirect("home")
