"""Background tasks of payments (django.tasks; run by `linli db_worker`)."""

from typing import Any

from django.tasks import task

from linli.payments import demo_provider


@task()
def demo_notify(data: dict[str, Any]) -> int:
    """The demo provider notifies this deployment of a payment, signed, over HTTP (as
    WeChat Pay and Alipay do from their servers); the status it was answered. A
    notification that fails to arrive is what reconciliation finds."""
    body, headers = demo_provider.signed(data)
    return demo_provider.deliver(body, headers)


@task()
def payments_expire() -> int:
    """Close the orders left unpaid longer than `LINLI_PAYMENT_UNPAID_HOURS`."""
    from linli.payments.services import payment_orders_expire

    return payment_orders_expire()
