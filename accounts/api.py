from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Account


class AccountViewSet(OrgReadOnlyViewSet):
    model = Account
    serializer_class = read_serializer(Account)
    select_related = ()
