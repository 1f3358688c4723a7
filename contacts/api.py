from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Contact


class ContactViewSet(OrgReadOnlyViewSet):
    model = Contact
    serializer_class = read_serializer(Contact)
