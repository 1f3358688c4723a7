from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Case


class CaseViewSet(OrgReadOnlyViewSet):
    model = Case
    serializer_class = read_serializer(Case)
