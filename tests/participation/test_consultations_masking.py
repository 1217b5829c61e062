"""Masking personal data in a suggestion's public text: phone numbers, landlines, ID numbers, e-mail addresses;
no false positives on years, dates and amounts."""
import pytest

from app.participation.masking import has_personal_data, mask


@pytest.mark.parametrize("text, expected", [
    ("请联系13812345678", "请联系138****5678"),
    ("请联系+86 138 1234 5678", "请联系138****5678"),
    ("电话：+8613812345678。", "电话：138****5678。"),
    ("0086-138-1234-5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("call 19912345678.", "call 199****5678."),
    ("15912345678和13912345678", "159****5678和139****5678"),
    ("0571-88886666", "0571-****6666"),
    ("010-6666888", "010-***6888"),
    ("(0571)88886666", "(0571)****6666"),
    ("（0571）8888-6666", "（0571）****6666"),
    ("身份证11010519491231002X号", "身份证110***********002X号"),
    ("身份证11010519491231002x", "身份证110***********002X"),
    ("ID 420102199001011234", "ID 420***********1234"),
    ("邮箱 zhang.san@example.com.cn 谢谢", "邮箱 z***@example.com.cn 谢谢"),
    ("li+eco@yunxi.gov.cn", "l***@yunxi.gov.cn"),
])
def test_personal_data_is_masked(text, expected):
    assert mask(text) == expected
    assert has_personal_data(text)


@pytest.mark.parametrize("text", [
    "2025年植树10000棵",
    "投资1,200,000元",
    "预计投入3.5亿元",
    "20250601起实施",
    "金额13812345678.50元",
    "编号2025-0601",
    "第12369号热线",
    "PM2.5 下降到 35 微克/立方米",
    "11010519491331002X",  # month 13: not a date of birth
    "没有任何个人信息",
])
def test_no_false_positive(text):
    assert mask(text) == text
    assert not has_personal_data(text)


def test_masking_is_idempotent():
    once = mask("13812345678 0571-88886666 11010519491231002X a@b.cn")
    assert mask(once) == once
    assert "1234" not in once.split()[0]


def test_several_kinds_in_one_text():
    text = "我是张三，电话138-1234-5678，座机0571-88886666，邮箱zs@example.com，身份证110105194912310021。"
    masked = mask(text)
    for secret in ("138-1234-5678", "88886666", "zs@example.com", "110105194912310021"):
        assert secret not in masked
    assert masked.startswith("我是张三，电话138****5678")
