def current_org(request):
    profile = getattr(request, "profile", None)
    return {"current_org": getattr(request, "org", None), "current_profile": profile}
