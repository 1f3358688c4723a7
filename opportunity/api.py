from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Opportunity


class OpportunityViewSet(OrgReadOnlyViewSet):
    model = Opportunity
    serializer_class = read_serializer(Opportunity)
    select_related = ("account",)
