"""FAQ rules and answers through the services, pages and GraphQL (in process): product facts
generated at question time, typed errors that change nothing, who may edit, the
"didn't help" queue, and the index following FAQ changes."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.api.ids import encode_id
from app.commerce import flash_sales, shelf
from app.errors import UserError
from app.faq import answering
from app.faq import services as faq
from app.faq.models import Faq, FaqAnswer
from tests.commerce.helpers import live_room, login_as, make_merchant, make_product, make_user
from tests.support import csrf, op


async def _shop() -> tuple:
    streamer = await make_merchant()
    room = await live_room(streamer)
    product, variant = await make_product(streamer, "Trail boots", 12000, stock=7, sku="BOOT-1")
    await shelf.add_to_shelf(streamer, room.id, product.id)
    return streamer, room, product, variant


async def test_price_answer_shows_the_flash_price_once_a_sale_starts(app: object) -> None:
    streamer, room, product, variant = await _shop()
    before = await answering.find_answer(room.id, "how much are the trail boots?")
    assert before is not None and before.fact == "price" and before.product_id == product.id
    assert "USD 120.00" in before.answer and "flash" not in before.answer
    stock = await answering.find_answer(room.id, "are the boots in stock?")
    assert stock is not None and stock.fact == "stock" and "7 left" in stock.answer
    await flash_sales.start_flash_sale(streamer, room.id, variant.id, 7900, quantity=3)
    after = await answering.find_answer(room.id, "这个多少钱？")
    assert after is not None and after.fact == "price"
    assert "flash sale price USD 79.00" in after.answer and "USD 120.00" in after.answer
    sale = await answering.find_answer(room.id, "is there a flash sale on the boots?")
    assert sale is not None and sale.fact == "sale" and "3 left" in sale.answer
    options = await answering.find_answer(room.id, "which options do the boots come in?")
    assert options is not None and options.fact == "variants" and "M" in options.answer


async def test_unrelated_questions_and_chatter_get_no_answer(app: object) -> None:
    streamer, room, _p, _v = await _shop()
    await faq.create_faq(streamer, room.id, ["Do you ship abroad?"], "Yes, worldwide.")
    assert await answering.find_answer(room.id, "what song is playing?") is None
    viewer = await make_user("v@example.com", "Vee")
    assert await answering.answer_message(room.id, viewer, None, "love the boots") is None
    given = await answering.answer_message(room.id, viewer, None, "do you ship to Japan?")
    assert given is not None and given.answer == "Yes, worldwide." and not given.to_room


async def test_the_index_follows_faq_changes(app: object) -> None:
    streamer, room, _p, _v = await _shop()
    first = await faq.create_faq(streamer, room.id, ["Do you ship abroad?"], "Worldwide.")
    assert (await answering.find_answer(room.id, "can you ship abroad?")).faq_id == first.id  # type: ignore[union-attr]
    await faq.update_faq(streamer, first.id, questions=["Can I pick it up in store?"])
    assert await answering.find_answer(room.id, "can you ship abroad?") is None
    assert (await answering.find_answer(room.id, "can I pick it up?")).faq_id == first.id  # type: ignore[union-attr]
    # A change another process made (saved without this process's index hearing of it) is
    # noticed by the room's stamp.
    row = await Faq.get(id=first.id)
    row.questions, row.answer = ["Is there a warranty?"], "Two years."
    await row.save()
    found = await answering.find_answer(room.id, "what warranty do you give?")
    assert found is not None and found.answer == "Two years."
    await faq.delete_faq(streamer, first.id)
    assert await answering.find_answer(room.id, "what warranty do you give?") is None


@pytest.mark.parametrize(
    ("questions", "answer", "code"),
    [
        ([], "An answer.", "NO_QUESTIONS"),
        (["  ", ""], "An answer.", "NO_QUESTIONS"),
        ([f"question {i}?" for i in range(11)], "An answer.", "TOO_MANY_QUESTIONS"),
        (["x" * 201], "An answer.", "QUESTION_TOO_LONG"),
        (["Do you ship?"], "   ", "EMPTY_ANSWER"),
        (["Do you ship?"], "y" * 1001, "ANSWER_TOO_LONG"),
    ],
)
async def test_bad_faq_input_is_a_typed_error_and_changes_nothing(
    client: httpx.AsyncClient, questions: list[str], answer: str, code: str
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    result = await op(
        client,
        "faq",
        "CreateFaq",
        {"input": {"roomId": encode_id("Room", room.id), "questions": questions, "answer": answer}},
    )
    payload = result["data"]["createFaq"]
    assert payload["faq"] is None
    assert [e["code"] for e in payload["errors"]] == [code]
    assert not await Faq.exists()


async def test_product_must_be_on_the_rooms_shelf(client: httpx.AsyncClient) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    product, _ = await make_product(streamer, "Not shown")
    result = await op(
        client,
        "faq",
        "CreateFaq",
        {
            "input": {
                "roomId": encode_id("Room", room.id),
                "questions": ["Is it warm?"],
                "answer": "Very.",
                "productId": encode_id("Product", product.id),
            }
        },
    )
    assert result["data"]["createFaq"]["errors"][0]["code"] == "PRODUCT_NOT_IN_ROOM"
    assert not await Faq.exists()


async def test_only_the_rooms_owner_and_moderators_edit_and_read(app: object) -> None:
    _streamer, room, _p, _v = await _shop()
    stranger = await make_merchant("other@example.com", "Other shop")
    moderator = await make_user("mod@example.com", "Mo", Role.MODERATOR)
    with pytest.raises(UserError) as refused:
        await faq.create_faq(stranger, room.id, ["Hi?"], "Hello.")
    assert refused.value.code == "FORBIDDEN"
    made = await faq.create_faq(moderator, room.id, ["Do you ship?"], "Yes.")
    for attempt in (
        faq.update_faq(stranger, made.id, answer="No."),
        faq.delete_faq(stranger, made.id),
        faq.room_faqs(stranger, room.id),
        faq.feedback_queue(stranger, room.id),
        faq.set_delivery(stranger, room.id, True),
    ):
        with pytest.raises(UserError) as refused:
            await attempt
        assert refused.value.code == "FORBIDDEN"
    assert (await Faq.get(id=made.id)).answer == "Yes."


async def test_didnt_help_lands_in_the_console_queue(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    await faq.create_faq(streamer, room.id, ["Do you ship abroad?"], "Yes, worldwide.")
    viewer = await login_as(other_client, "v@example.com", "Vee")
    sent = await op(
        other_client,
        "chat",
        "SendChatMessage",
        {"roomId": encode_id("Room", room.id), "text": "do you ship to Japan?"},
    )
    assert sent["data"]["sendChatMessage"]["errors"] == []
    await answering.drain()
    given = await FaqAnswer.get(asker_id=viewer.id)
    assert given.answer == "Yes, worldwide."

    # The asker's "didn't help" button (htmx POST) …
    response = await other_client.post(
        f"/rooms/{room.id}/faq-answers/{given.id}/unhelpful",
        data={"csrf_token": await csrf(other_client)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "faq-unhelpful-sent" in response.text
    # … puts it on the streamer's console page and the GraphQL queue.
    page = await client.get(f"/studio/rooms/{room.id}/faq")
    assert page.status_code == 200
    assert 'data-testid="faq-queue-item"' in page.text and "do you ship to Japan?" in page.text
    queue = await op(client, "faq", "FaqFeedbackQueue", {"roomId": encode_id("Room", room.id)})
    assert [a["question"] for a in queue["data"]["faqFeedbackQueue"]] == ["do you ship to Japan?"]

    # Someone else cannot mark it; the GraphQL mutation works for the asker.
    denied = await op(
        client,
        "faq",
        "MarkFaqAnswerUnhelpful",
        {"answerId": encode_id("FaqAnswer", given.id)},
    )
    assert denied["data"]["markFaqAnswerUnhelpful"]["errors"][0]["code"] == "NOT_FOUND"
    again = await op(
        other_client,
        "faq",
        "MarkFaqAnswerUnhelpful",
        {"answerId": encode_id("FaqAnswer", given.id)},
    )
    assert again["data"]["markFaqAnswerUnhelpful"]["answer"]["unhelpfulAt"] is not None

    # Resolving takes it off the queue (the console's form, no JavaScript).
    done = await client.post(
        f"/studio/rooms/{room.id}/faq",
        data={"csrf_token": await csrf(client), "action": "resolve", "answer_id": str(given.id)},
    )
    assert done.status_code == 200 and 'data-testid="faq-queue-item"' not in done.text


async def test_console_form_creates_and_shows_typed_errors(client: httpx.AsyncClient) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    token = await csrf(client)
    created = await client.post(
        f"/studio/rooms/{room.id}/faq",
        data={
            "csrf_token": token,
            "action": "create",
            "questions": "Do you ship?\n你们发货吗？",
            "answer": "Yes.",
            "product_id": "",
        },
    )
    assert created.status_code == 200 and 'data-testid="faq-item"' in created.text
    faq_row = await Faq.get(room_id=room.id)
    assert faq_row.questions == ["Do you ship?", "你们发货吗？"]
    refused = await client.post(
        f"/studio/rooms/{room.id}/faq",
        data={"csrf_token": token, "action": "create", "questions": "", "answer": "x"},
    )
    assert refused.status_code == 422 and 'data-code="NO_QUESTIONS"' in refused.text
    assert await Faq.filter(room_id=room.id).count() == 1


async def test_the_send_path_does_not_wait_for_the_answer(app: object) -> None:
    from app.chat import services as chat

    streamer, room, _p, _v = await _shop()
    await faq.create_faq(streamer, room.id, ["Do you ship abroad?"], "Yes.")
    viewer = await make_user("v@example.com", "Vee")
    message = await chat.post_message(viewer, room.id, "do you ship abroad?")
    # Accepted and returned with the answer still pending (scheduled, not awaited).
    assert message.id and answering.pending() == 1
    await answering.drain()
    assert await FaqAnswer.filter(message_id=message.id).exists()
