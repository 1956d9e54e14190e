"""Electricity somewhere we do not supply it is off-topic; a subscriber from there, or back from
a trip there, is still ours."""

import pytest

from bot.understanding import about_abroad, another_service, understand


@pytest.mark.parametrize(
    "text",
    [
        "في لبنان الكهربا بتجي ساعتين باليوم بس",
        "الكهرباء في الكويت ببلاش؟",
        "كيف ادفع فاتورة الكهربا حقت اهلي في السودان من هنا",
        "how do i pay the electricity bill in dubai",
        "my family in pakistan have no electricity 12 hours a day",
        "el kahraba fe el emarat as3arha kam",
    ],
)
def test_electricity_abroad_is_off_topic(text: str) -> None:
    assert about_abroad(text)
    assert understand(text).intent == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "انا من مصر والكهربا طافية عندي من الصبح",
        "I am from India, the power in my flat is off since 2 hours",
        "كنت مسافر مصر شهرين والشقة مقفلة وجت الفاتورة ٤٥٠",
        "البيت قفلناه وسافرنا السودان تلاته شهور وجينا لقينا الفاتوره ٩٠٠",
        "ساكن بالرياض واهلي في القاهره، الكهربا عندي طافية",
        "الكهربا طافية عندنا من بعد المغرب",
        "انا سورية والكهربا مقطوعة عنا يومين",
        "الكهربا طافية في الدوحه الجنوبيه",
        # a cold review's counter-examples: a place that is a shop's or a word's, the subscriber
        # the one abroad, a premise of their own
        "سلك كهرباء مكشوف ويطلع شرار قدام مطعم بيروت",
        "انا مصر على حقي في التعويض، الكهرباء انقطعت امس من ٨ الى ٦",
        "الكهرباء مقطوعة عن بيتنا من امس وانا في الكويت",
        "انا حاليا في دبي وابي ادفع فاتورة الكهرباء حقت بيتي",
        "the power in my house is off and I am in dubai now",
        "شرار من الكبينه اللي في شارع القاهره",
    ],
)
def test_ours_whatever_else_is_named(text: str) -> None:
    assert not about_abroad(text)
    assert understand(text).intent != "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "كم المبلغ حق فاتورة الماء هالشهر",  # «المبلغ» holds «لمب» (a lamp's stem)
        "مطالبه تعويض من طيران ناس",
    ],
)
def test_another_service_is_not_ours_for_a_stem_inside_its_words(text: str) -> None:
    assert another_service(text)


@pytest.mark.parametrize(
    "text",
    [
        "كل شي طفى حتى الراوتر والجيران نفسنا",
        "الكبل طايح وفيه موية مطر حوله",
        "i got shock from the water tap",
        # a trip is no other service: the high bill after it is ours
        "رجعت من رحلتي ولقيت الفاتورة عالية",
        "I just got back from my flight and the bill is very high",
    ],
)
def test_electricity_named_beside_another_service_is_ours(text: str) -> None:
    assert not another_service(text)
