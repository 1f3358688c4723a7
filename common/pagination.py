"""Page numbers that say so when they are not numbers."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    """DRF reads `?page=` (present but empty) as the first page; here it is a 404 like any
    other page that does not exist, so a client's broken link is not silently page one."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)
