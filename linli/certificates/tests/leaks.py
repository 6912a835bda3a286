"""Community B for the leak test: two certificates of B's resident (欧阳泄漏, from the
registry's part), one revoked from the console, one through the API, and a new one
issued through the API. The public verification page shows a certificate to whoever
holds its QR code (masked, by design): the walker visits it with B's number and
another signature, which must show nothing."""

from linli.certificates.services import certificate_issue
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏证照地址"]
API = "/api/v1"


def _senior(holder):
    return certificate_issue(
        kind="senior",
        holder=holder,
        fields={
            "sex": "男",
            "birth_date": "1950-01-01",
            "id_number": holder.id_number,
            "address": MARKERS[0],
        },
        by=None,
    )


def community_b(world, made) -> Leaks:
    holder = made["resident"][0]
    first, second = _senior(holder), _senior(holder)
    return Leaks(
        objects={"certificate": [first, second]},
        markers=MARKERS,
        sends={
            ("post", "certificates:certificate-detail"): Send(
                f"/certificates/{first.pk}/", {"reason": "信息有误"}
            ),
            ("post", "api:certificate-revoke"): Send(
                f"{API}/certificates/{second.pk}/revoke", {"reason": "信息有误"}, expect=200
            ),
            ("post", "api:certificate-issue"): Send(
                f"{API}/certificates",
                {
                    "kind": "residence",
                    "holder": holder.pk,
                    "fields": {
                        "id_number": holder.id_number,
                        "address": MARKERS[0],
                        "since": "2010-01-01",
                        "purpose": "入学",
                    },
                },
                expect=201,
            ),
        },
        urls={
            "certificates:mine-document": [f"/certificates/mine/{first.number}.pdf"],
            "api:certificate-mine-pdf": [f"{API}/certificates/mine/{first.number}/pdf"],
            # B's number without its QR code's signature: "not genuine", nothing shown
            "certificate-public:verify": [f"/c/{first.number}/{second.signature}"],
        },
        searches=["?q=欧阳"],
    )
