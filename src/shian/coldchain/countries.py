"""Countries and regions of origin of imported food: ISO 3166-1 alpha-2 codes with English and
Chinese names.

Not the whole standard: the places China imports chilled and frozen food from (meat, seafood,
dairy, fruit), plus Hong Kong, Macao and Taiwan, whose goods also clear customs as imports. An
administrator who meets another origin adds a line here; the code is what is stored, so the
list can grow without a migration.
"""

from __future__ import annotations

from django.utils.translation import get_language

# (alpha-2, English name, Chinese name)
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("AR", "Argentina", "阿根廷"),
    ("AT", "Austria", "奥地利"),
    ("AU", "Australia", "澳大利亚"),
    ("BD", "Bangladesh", "孟加拉国"),
    ("BE", "Belgium", "比利时"),
    ("BO", "Bolivia", "玻利维亚"),
    ("BR", "Brazil", "巴西"),
    ("BY", "Belarus", "白俄罗斯"),
    ("CA", "Canada", "加拿大"),
    ("CH", "Switzerland", "瑞士"),
    ("CL", "Chile", "智利"),
    ("CO", "Colombia", "哥伦比亚"),
    ("CR", "Costa Rica", "哥斯达黎加"),
    ("CZ", "Czechia", "捷克"),
    ("DE", "Germany", "德国"),
    ("DK", "Denmark", "丹麦"),
    ("EC", "Ecuador", "厄瓜多尔"),
    ("EE", "Estonia", "爱沙尼亚"),
    ("EG", "Egypt", "埃及"),
    ("ES", "Spain", "西班牙"),
    ("FI", "Finland", "芬兰"),
    ("FO", "Faroe Islands", "法罗群岛"),
    ("FR", "France", "法国"),
    ("GB", "United Kingdom", "英国"),
    ("GL", "Greenland", "格陵兰"),
    ("GR", "Greece", "希腊"),
    ("HK", "Hong Kong, China", "中国香港"),
    ("HR", "Croatia", "克罗地亚"),
    ("HU", "Hungary", "匈牙利"),
    ("ID", "Indonesia", "印度尼西亚"),
    ("IE", "Ireland", "爱尔兰"),
    ("IL", "Israel", "以色列"),
    ("IN", "India", "印度"),
    ("IS", "Iceland", "冰岛"),
    ("IT", "Italy", "意大利"),
    ("JP", "Japan", "日本"),
    ("KH", "Cambodia", "柬埔寨"),
    ("KR", "Republic of Korea", "韩国"),
    ("KZ", "Kazakhstan", "哈萨克斯坦"),
    ("LA", "Laos", "老挝"),
    ("LK", "Sri Lanka", "斯里兰卡"),
    ("LT", "Lithuania", "立陶宛"),
    ("LV", "Latvia", "拉脱维亚"),
    ("MA", "Morocco", "摩洛哥"),
    ("MM", "Myanmar", "缅甸"),
    ("MN", "Mongolia", "蒙古"),
    ("MO", "Macao, China", "中国澳门"),
    ("MX", "Mexico", "墨西哥"),
    ("MY", "Malaysia", "马来西亚"),
    ("NA", "Namibia", "纳米比亚"),
    ("NL", "Netherlands", "荷兰"),
    ("NO", "Norway", "挪威"),
    ("NZ", "New Zealand", "新西兰"),
    ("PE", "Peru", "秘鲁"),
    ("PH", "Philippines", "菲律宾"),
    ("PK", "Pakistan", "巴基斯坦"),
    ("PL", "Poland", "波兰"),
    ("PT", "Portugal", "葡萄牙"),
    ("PY", "Paraguay", "巴拉圭"),
    ("RS", "Serbia", "塞尔维亚"),
    ("RU", "Russian Federation", "俄罗斯"),
    ("SA", "Saudi Arabia", "沙特阿拉伯"),
    ("SE", "Sweden", "瑞典"),
    ("SG", "Singapore", "新加坡"),
    ("TH", "Thailand", "泰国"),
    ("TR", "Türkiye", "土耳其"),
    ("TW", "Taiwan, China", "中国台湾"),
    ("UA", "Ukraine", "乌克兰"),
    ("US", "United States", "美国"),
    ("UY", "Uruguay", "乌拉圭"),
    ("VN", "Viet Nam", "越南"),
    ("ZA", "South Africa", "南非"),
)

_BY_CODE = {code: (en, zh) for code, en, zh in COUNTRIES}


def is_known(code: str) -> bool:
    return code in _BY_CODE


def country_name(code: str, language: str | None = None) -> str:
    """The name of an origin in the current language (Chinese unless English is active); the code if unknown."""
    names = _BY_CODE.get(code)
    if names is None:
        return code
    lang = (language or get_language() or "zh-hans").lower()
    return names[0] if lang.startswith("en") else names[1]


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """Form choices in code order, each shown as ``name (CODE)``."""
    return [(code, f"{country_name(code, language)} ({code})") for code, _en, _zh in COUNTRIES]
