from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Lead


class LeadViewSet(OrgReadOnlyViewSet):
    model = Lead
    serializer_class = read_serializer(Lead)
