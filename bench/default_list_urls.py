"""The workspace URLs plus two yardsticks that only the benchmarks serve.

/api/bench/default-leads/: the lead list as DRF builds it by default -- a ModelSerializer, DRF's
page-number pagination with its exact COUNT(*), DRF's JSON renderer -- with the same filters and
permissions as the real endpoint, on an API path like it so both take the same middleware
(bench/crm_leads_list.py, bench/api_overhead.py).

/bench/bare/: a JsonResponse and nothing else, behind the full middleware stack: the most a
request can do on this machine before any view work (bench/api_overhead.py).
"""

from django.http import JsonResponse
from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, pagination, renderers, serializers

from innexar.urls_tenant import urlpatterns as tenant_urlpatterns
from modules.crm.api import LeadViewSet
from modules.crm.filters import LeadFilter
from modules.crm.models import Lead


class DefaultLeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = [
            "id", "name", "email", "phone", "company", "position", "source", "score", "score_is_manual",
            "status", "notes", "tags", "assigned_to", "created_at", "updated_at",
        ]


class DefaultPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class DefaultLeadList(generics.ListAPIView):
    queryset = Lead.objects.all()
    serializer_class = DefaultLeadSerializer
    pagination_class = DefaultPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = LeadFilter
    permission_classes = LeadViewSet.permission_classes
    renderer_classes = [renderers.JSONRenderer]


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/bench/default-leads/", DefaultLeadList.as_view()),
    path("bench/bare/", bare),
    *tenant_urlpatterns,
]
