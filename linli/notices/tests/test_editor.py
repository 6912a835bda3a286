"""The notice editor's toolbar, in Chromium under the strict Content-Security-Policy,
by keyboard only: bold, a heading, a list and a link are made from the toolbar (one
tab stop, arrow keys between its buttons, Chinese labels), a picture uploaded with the
notice is placed in the text and shows to its reader; the HTML saved is sanitised by
the server. Without JavaScript the plain textarea still takes plain text; a picture
that is not the notice's own is removed from the text."""

import pytest
from playwright.sync_api import expect

from linli.notices import services
from linli.notices.content import sanitise
from linli.notices.models import Notice
from linli.notices.tests.support import draft, jpeg
from linli.testing.browser import axe_violations, sign_in


def test_only_the_notices_own_pictures_stay_in_the_text():
    own = "/notices/images/7/"
    html = (
        f'<p>a<img src="{own}" alt="图" onerror="x()"></p>'
        '<p><img src="/notices/images/8/"><img src="https://evil.example/t.png"></p>'
        '<p><img src="javascript:alert(1)"></p>'
    )
    assert sanitise(html, image_urls=[own]) == (f'<p>a<img src="{own}" alt="图"></p>')
    assert "<img" not in sanitise(html)


@pytest.mark.django_db
def test_a_picture_of_another_notice_is_removed_on_saving(world):
    other = draft(world, images=[jpeg()])
    mine = draft(world, images=[jpeg()])
    theirs, own = other.images.get().pk, mine.images.get().pk
    body = f'<p><img src="/notices/images/{theirs}/"><img src="/notices/images/{own}/"></p>'
    services.notice_update(notice=mine, body=body, by=world.worker_a)
    mine.refresh_from_db()
    assert mine.body == f'<p><img src="/notices/images/{own}/"></p>'
    # a new notice has no picture of its own yet
    assert "<img" not in draft(world, body=body).body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_toolbar_formats_the_text_by_keyboard(world, browser_context):
    from linli.notices.services import topics_ensure_defaults

    topics_ensure_defaults()
    page = browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.goto("/notices/new/")
    sign_in(page, "worker.a")
    page.fill("#id_title", "停水通知")
    page.select_option("#id_topic", label="社区服务")
    toolbar = page.get_by_role("toolbar", name="文字格式")
    assert toolbar.is_visible() and not page.locator("#id_body").is_visible()
    area = page.get_by_role("textbox", name="文本")
    area.click()
    page.keyboard.type("明日停水")
    page.keyboard.press("Shift+Home")
    # Tab back to the toolbar: its first button has the only tab stop
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "加粗"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent") == "标题"
    page.keyboard.press("Enter")  # the line becomes a heading
    # the buttons' state follows the selection on `selectionchange`, a moment later
    expect(page.get_by_role("button", name="标题", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    area.press("End")
    area.press("Enter")
    page.keyboard.type("8时至12时")
    area.press("Enter")
    page.get_by_role("button", name="编号列表").click()
    page.keyboard.type("储水")
    page.keyboard.press("Enter")
    page.keyboard.type("关阀")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type("详见")
    link = page.get_by_role("button", name="链接", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    expect(link).to_have_attribute("aria-expanded", "true")
    page.keyboard.type("javascript:alert(1)")
    page.keyboard.press("Enter")
    page.get_by_text("请填写以 http://、https://、mailto: 或 tel: 开头的地址。").wait_for()
    page.fill("#id_body-url", "https://www.zibo.gov.cn/")
    page.keyboard.press("Enter")
    expect(link).to_have_attribute("aria-expanded", "false")
    # the second line in bold: selected by keyboard, Ctrl+B
    area.press("Control+Home")
    area.press("ArrowDown")
    area.press("Home")
    area.press("Shift+End")
    area.press("Control+b")
    expect(page.get_by_role("button", name="加粗")).to_have_attribute("aria-pressed", "true")
    assert axe_violations(page) == []
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_text("通知已保存为草稿。").wait_for()
    notice = Notice.objects.get()
    assert notice.body.startswith(
        "<h2>明日停水</h2><p><b>8时至12时</b></p><ol><li>储水</li><li>关阀</li></ol>"
    )
    assert (
        '<a href="https://www.zibo.gov.cn/" rel="noopener noreferrer">https://www.zibo.gov.cn/</a>'
        in notice.body
    )
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_picture_is_placed_in_the_text(world, browser_context):
    from linli.notices.services import topics_ensure_defaults

    topics_ensure_defaults()
    notice = draft(world, body="第一段\n\n第二段", images=[jpeg()])
    picture = notice.images.get()
    page = browser_context().new_page()
    page.goto(f"/notices/{notice.pk}/edit/")
    sign_in(page, "worker.a")
    area = page.get_by_role("textbox", name="文本")
    area.locator("p").first.click()
    area.press("End")
    page.get_by_role("button", name="图片", exact=True).click()
    page.get_by_role("button", name="插入第 1 张图片").click()
    assert area.locator("img").count() == 1
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_text("通知已保存。").wait_for()
    notice.refresh_from_db()
    assert notice.body == (
        f'<p>第一段<img src="/notices/images/{picture.pk}/" alt="图片 1"></p><p>第二段</p>'
    )
    shown = page.get_by_test_id("notice-body").locator("img")
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 40


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_textarea_takes_plain_text(world, browser_context):
    from linli.notices.services import topics_ensure_defaults

    topics_ensure_defaults()
    page = browser_context(java_script_enabled=False).new_page()
    page.goto("/notices/new/")
    sign_in(page, "worker.a")
    assert not page.get_by_role("toolbar").is_visible()
    page.fill("#id_title", "停水通知")
    page.select_option("#id_topic", label="社区服务")
    page.fill("#id_body", "明日停水。\n\n请提前<储水>。")
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_text("通知已保存为草稿。").wait_for()
    assert Notice.objects.get().body == "<p>明日停水。</p><p>请提前&lt;储水&gt;。</p>"
