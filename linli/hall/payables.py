"""The hall's fees through the payments app: an application awaiting payment is a
payable of kind `hall.application` (its id as the reference), registered in
`HallConfig.ready()`. The amount is the application's fee (copied from its matter when
it was submitted), in fen; the payer is the applicant's account, if any (at a front
desk, staff create the order for the person in front of them). Once the order is paid
the application moves on to delivery (`application_paid`, which does that once)."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.hall.choices import ApplicationState
from linli.hall.models import Application
from linli.payments.payables import Payable

if TYPE_CHECKING:
    from linli.payments.models import PaymentOrder

KIND = "hall.application"


def _application(ref: str) -> Application | None:
    if not ref.isdigit():
        return None
    found: Application | None = (
        Application.objects.select_related("matter", "region", "applicant")
        .filter(pk=int(ref))
        .first()
    )
    return found


def describe(ref: str) -> Payable | None:
    """The fee of an application awaiting payment; None otherwise (nothing to pay)."""
    application = _application(ref)
    if application is None or application.state != ApplicationState.PAYMENT or application.fee <= 0:
        return None
    return Payable(
        description=_("%(matter)s, application %(code)s")
        % {"matter": application.matter.name, "code": application.code},
        amount_fen=int((application.fee * Decimal(100)).to_integral_value()),
        region=application.region,
        payer=application.applicant,
    )


def on_paid(order: "PaymentOrder") -> None:
    """The order is paid: the application moves on to delivery (once)."""
    from linli.hall.services import application_paid

    application = _application(order.ref)
    if application is not None:
        application_paid(application=application, payment_ref=order.out_trade_no, by=None)


def return_url(ref: str) -> str | None:
    application = _application(ref)
    if application is None or application.applicant_id is None:
        return None
    return reverse("matters:mine-detail", args=[application.code])


def on_refunded(order: "PaymentOrder") -> None:
    """The fee was refunded: the applicant is told."""
    from linli.hall.services import application_fee_news

    application = _application(order.ref)
    if application is not None:
        application_fee_news(application=application, refunded=True)


def on_expired(order: "PaymentOrder") -> None:
    """The fee's order was closed unpaid: the application still awaits payment (a new
    order pays it) and the applicant is told."""
    from linli.hall.services import application_fee_news

    application = _application(order.ref)
    if application is not None and application.state == ApplicationState.PAYMENT:
        application_fee_news(application=application, refunded=False)
