"""Plausible Chinese names for FICTIONAL people and businesses of the demo city.

Every name is a random combination of common surnames, given-name characters, trade-name
words and industry words; none refers to a real person or business (any match with a real
one is coincidental). All randomness comes from the ``random.Random`` passed in, never from
the global generator, so a seed reproduces the same names.
"""

from __future__ import annotations

import random

# Common surnames, weighted roughly as in the Wuyi (五邑) region: 陈 李 黄 梁 are the most frequent.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("陈", 12),
    ("李", 10),
    ("黄", 9),
    ("梁", 8),
    ("林", 5),
    ("张", 5),
    ("吴", 4),
    ("刘", 4),
    ("谭", 4),
    ("关", 3),
    ("冯", 3),
    ("何", 3),
    ("余", 3),
    ("伍", 3),
    ("甄", 2),
    ("邝", 2),
    ("司徒", 2),
    ("区", 1),
    ("麦", 2),
    ("钟", 2),
    ("杨", 2),
    ("郑", 2),
    ("周", 2),
    ("徐", 1),
    ("胡", 1),
    ("罗", 2),
    ("谢", 2),
    ("叶", 2),
    ("赵", 1),
    ("王", 2),
    ("朱", 1),
    ("曾", 1),
    ("蔡", 1),
    ("邓", 2),
    ("许", 1),
    ("苏", 1),
    ("卢", 1),
    ("郭", 1),
    ("温", 1),
    ("容", 1),
    ("汤", 1),
    ("岑", 1),
    ("冼", 1),
    ("莫", 1),
    ("方", 1),
    ("严", 1),
    ("袁", 1),
    ("雷", 1),
    ("龙", 1),
    ("彭", 1),
)
_SURNAME_VALUES = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]

GIVEN_CHARS = (
    "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲文辉健建国志海婷雪慧俊峰锦荣炳坤耀棠嘉颖欣怡晓宇浩"
    "思诗泽铭永家德彩凤燕梅兰坚权发财满祥展鹏飞翠琼惠珍少东振宏耀冠豪志诚立新春秋冬佩仪倩莹雯嘉乐子"
)

# Trade-name (字号) building blocks.
TRADE_FIRST = "金银福鸿顺兴旺隆盛荣华富祥瑞和泰安康乐悦嘉佳美好新永恒宏源达利丰益满香鲜甘五侨江海明月星辉鹏骏联粤南大合信"
TRADE_SECOND = "记发源兴隆盛昌泰丰利达华祥和福顺通成旺满香味鲜园轩居阁苑坊林湾峰乐康怡佳宝顺德合信联"
TRADE_WORDS = (
    "侨乡",
    "五邑",
    "圭峰",
    "葵乡",
    "银湖",
    "潭江",
    "西江",
    "碉楼",
    "陈皮",
    "古劳",
    "水乡",
    "金瓯",
    "蓬莱",
    "稻香",
    "荷香",
    "荔园",
    "榕树",
    "镇海",
    "龙湾",
    "凤凰",
    "翠山",
    "白石",
    "东湖",
    "锦江",
    "大鳌",
    "冈州",
    "鹤城",
    "恩州",
)

# Industry words (行业表述) by operator type.
INDUSTRY: dict[str, tuple[str, ...]] = {
    "restaurant": (
        "餐饮店",
        "酒家",
        "食府",
        "茶餐厅",
        "大排档",
        "小食店",
        "烧腊店",
        "粥粉面店",
        "餐厅",
        "饭店",
        "农庄",
        "海鲜酒楼",
        "甜品店",
    ),
    "retailer": ("便利店", "商行", "食品店", "超市", "副食店", "士多", "粮油店", "生鲜超市", "茶行"),
    "wholesaler": ("食品贸易有限公司", "粮油批发部", "副食批发行", "冻品商行", "食品批发有限公司", "酒业贸易有限公司"),
    "workshop": ("食品加工场", "腊味加工场", "豆制品作坊", "米粉加工场", "糕点加工场", "凉茶加工场"),
    "market": ("农贸市场", "肉菜市场", "农产品批发市场", "综合市场"),
    "cold_store": ("冷链仓储有限公司", "冷冻仓储有限公司", "冷链物流有限公司"),
    "central_kitchen": ("中央厨房有限公司", "餐饮管理有限公司"),
    "group_meal": ("膳食管理有限公司", "团膳配送有限公司", "餐饮配送有限公司"),
    "online_platform": ("网络科技有限公司", "到家信息技术有限公司"),
    "vendor": ("小食摊", "糖水档", "烧烤档", "肠粉档", "水果档"),
    "canteen": ("职工食堂", "员工食堂", "机关食堂", "医院食堂", "工业园食堂"),
}

# Producer industry words by production category (first scope code).
PRODUCER_INDUSTRY: dict[str, tuple[str, ...]] = {
    "101": ("粮食制品有限公司", "米业有限公司"),
    "102": ("油脂有限公司", "粮油实业有限公司"),
    "103": ("调味品有限公司", "酱油有限公司"),
    "104": ("肉类制品有限公司", "腊味食品有限公司"),
    "105": ("乳业有限公司",),
    "106": ("饮料有限公司", "凉茶饮料有限公司"),
    "111": ("速冻食品有限公司",),
    "114": ("陈皮茶业有限公司", "茶业有限公司"),
    "115": ("酒业有限公司", "酒厂有限公司"),
    "117": ("果脯食品有限公司",),
    "122": ("水产食品有限公司", "海产品加工有限公司"),
    "124": ("饼业有限公司", "食品有限公司"),
    "125": ("豆制品有限公司",),
}
PRODUCER_DEFAULT = ("食品有限公司", "食品厂有限公司", "实业有限公司")

# Workshop (小作坊) words by production category.
WORKSHOP_INDUSTRY: dict[str, tuple[str, ...]] = {
    "101": ("米粉加工场", "米粉作坊"),
    "104": ("腊味加工场", "腊味作坊"),
    "106": ("凉茶加工场",),
    "116": ("酱菜加工场",),
    "124": ("糕点加工场", "饼家作坊"),
    "125": ("豆制品作坊", "腐竹加工场"),
}

# Words for restaurants and shops registered as companies rather than individual businesses.
COMPANY_INDUSTRY: dict[str, tuple[str, ...]] = {
    "restaurant": ("餐饮有限公司", "餐饮管理有限公司", "饮食有限公司", "酒楼有限公司"),
    "retailer": ("商贸有限公司", "超市有限公司", "百货有限公司"),
}

# Farm industry words by produce category.
FARM_INDUSTRY: dict[str, tuple[str, ...]] = {
    "A01": ("蔬菜种植专业合作社", "家庭农场", "蔬菜种植基地"),
    "A02": ("水果种植专业合作社", "柑桔种植场", "果场"),
    "A03": ("茶叶种植专业合作社", "茶园"),
    "A04": ("养殖场", "生猪养殖场", "家禽养殖专业合作社"),
    "A05": ("养鸡场", "蛋鸡养殖场"),
    "A06": ("水产养殖场", "鱼塘养殖专业合作社"),
}

ROADS = (
    "建设",
    "胜利",
    "港口",
    "江华",
    "迎宾",
    "白沙",
    "东华",
    "农林",
    "育德",
    "五邑",
    "侨兴",
    "华园",
    "发展",
    "丰乐",
    "跃进",
    "新兴",
    "环城",
    "中山",
    "解放",
    "人民",
    "北新",
    "长堤",
    "堤东",
    "紫茶",
    "篁庄",
    "义和",
    "甘化",
    "体育",
    "金瓯",
    "龙湾",
    "冈州",
    "圭峰",
    "东湖",
    "西湖",
    "桥头",
    "康乐",
    "永安",
    "太平",
    "文化",
    "工业",
    "民族",
    "兴业",
    "振兴",
    "富民",
    "公园",
    "站前",
    "滨江",
    "江边",
    "新风",
    "仁和",
    "青年",
    "健康",
    "朝阳",
    "光明",
    "东兴",
    "南门",
)
ROAD_SUFFIXES = ("路", "路", "路", "街", "大道", "东路", "西路", "南路", "北路")

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals (一, 十二, 二十, 三十五)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def surname(rng: random.Random) -> str:
    """A surname drawn by regional frequency."""
    return rng.choices(_SURNAME_VALUES, weights=_SURNAME_WEIGHTS)[0]


def person_name(rng: random.Random) -> str:
    """A fictional person's full name: surname + one or two given-name characters."""
    given = rng.choice(GIVEN_CHARS) if rng.random() < 0.25 else rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return surname(rng) + given


def trade_name(rng: random.Random) -> str:
    """A fictional trade name (字号): two auspicious characters, a local word, or 陈记/阿强 style."""
    r = rng.random()
    if r < 0.55:
        return rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)
    if r < 0.75:
        return rng.choice(TRADE_WORDS) + (rng.choice(TRADE_SECOND) if rng.random() < 0.5 else "")
    if r < 0.92:
        return surname(rng) + "记"
    return "阿" + rng.choice(GIVEN_CHARS)


def place_prefix(rng: random.Random, district_prefix: str, street_name: str) -> str:
    """江门市蓬江区 or, half of the time for towns, 江门市蓬江区杜阮镇 (names of individual businesses)."""
    if street_name.endswith("镇") and rng.random() < 0.5:
        return district_prefix + street_name
    return district_prefix


def business_name(rng: random.Random, type_code: str, district_prefix: str, street_name: str, scope: list[str], *, company: bool = False) -> str:
    """A fictional business name fitting the operator type, prefixed with the city/district.

    ``scope`` (food category codes) picks matching words for producers, workshops and farms;
    ``company`` gives restaurants and shops a 有限公司 name instead of an individual business's.
    """
    if company and type_code in COMPANY_INDUSTRY:
        return f"{district_prefix}{trade_name(rng)}{rng.choice(COMPANY_INDUSTRY[type_code])}"
    if type_code == "workshop":
        industry = rng.choice(WORKSHOP_INDUSTRY.get(scope[0] if scope else "", INDUSTRY["workshop"]))
        return f"{place_prefix(rng, district_prefix, street_name)}{trade_name(rng)}{industry}"
    if type_code == "producer":
        industry = rng.choice(PRODUCER_INDUSTRY.get(scope[0] if scope else "", PRODUCER_DEFAULT))
        return f"{district_prefix}{trade_name(rng)}{industry}"
    if type_code == "farm":
        industry = rng.choice(FARM_INDUSTRY.get(scope[0] if scope else "", ("种植专业合作社",)))
        return f"{district_prefix}{street_name}{trade_name(rng)}{industry}"
    if type_code == "market":
        base = street_name.removesuffix("街道").removesuffix("镇")
        return f"{district_prefix}{base}{rng.choice(('', trade_name(rng)))}{rng.choice(INDUSTRY['market'])}"
    if type_code == "school_canteen":
        return school_canteen_name(rng, district_prefix, street_name)
    if type_code == "canteen":
        word = rng.choice(INDUSTRY["canteen"])
        owner = trade_name(rng) + rng.choice(("实业有限公司", "电器有限公司", "五金制品有限公司", "纺织有限公司", "物流有限公司"))
        if word == "医院食堂":
            return f"{district_prefix}{trade_name(rng)}医院食堂"
        if word == "机关食堂":
            return f"{district_prefix}{street_name}机关食堂"
        return f"{district_prefix}{owner}{word}"
    if type_code in ("restaurant", "retailer", "vendor"):
        prefix = place_prefix(rng, district_prefix, street_name)
        return f"{prefix}{trade_name(rng)}{rng.choice(INDUSTRY[type_code])}"
    words = INDUSTRY.get(type_code, ("食品有限公司",))
    city_level = type_code in ("online_platform", "central_kitchen", "group_meal", "cold_store") and rng.random() < 0.4
    return f"{'江门市' if city_level else district_prefix}{trade_name(rng)}{rng.choice(words)}"


def school_canteen_name(rng: random.Random, district_prefix: str, street_name: str) -> str:
    """江门市蓬江区第三中学食堂, 台山市斗山镇中心小学食堂, 江门市江海区鸿运幼儿园食堂..."""
    r = rng.random()
    if r < 0.35:
        return f"{district_prefix}第{chinese_number(rng.randint(1, 30))}{rng.choice(('中学', '小学', '实验小学'))}食堂"
    place = street_name.removesuffix("街道").removesuffix("镇")
    if r < 0.65:
        return f"{district_prefix}{place}{rng.choice(('中心小学', '中学', '初级中学', '第一小学', '第二小学'))}食堂"
    if r < 0.85:
        return f"{district_prefix}{trade_name(rng)}幼儿园食堂"
    return f"{district_prefix}{place}{rng.choice(TRADE_WORDS)}{rng.choice(('小学', '学校', '幼儿园'))}食堂"


def address(rng: random.Random, district_prefix: str, street_name: str) -> str:
    """江门市蓬江区建设路12号 style address; towns are named (台山市斗山镇中山路8号)."""
    town = street_name if street_name.endswith("镇") else ""
    road = rng.choice(ROADS) + rng.choice(ROAD_SUFFIXES)
    number = rng.randint(1, 388)
    extra = ""
    r = rng.random()
    if r < 0.15:
        extra = f"{rng.randint(1, 12)}幢{rng.randint(1, 3)}楼"
    elif r < 0.3:
        extra = f"首层{rng.randint(1, 20)}号铺"
    return f"{district_prefix}{town}{road}{number}号{extra}"
