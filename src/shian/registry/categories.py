"""Seed data: operator types and food categories.

Food categories follow the food production licence category catalogue (食品生产许可分类目录,
SAMR announcement 2020 No. 8: the three-digit category in an SC number), the business
licence items (食品经营许可和备案管理办法, SAMR Order 78, 2023) and the edible agricultural
products named by MARA Order 2025 No. 4 (produce certificates). Administrators extend them.
"""

from __future__ import annotations

SOURCE_PRODUCTION = "食品生产许可分类目录（市场监管总局公告2020年第8号）"
SOURCE_BUSINESS = "食品经营许可和备案管理办法（市场监管总局令第78号）"
SOURCE_PRODUCE = "食用农产品承诺达标合格证管理办法（农业农村部令2025年第4号）"

OPERATOR_TYPES: list[tuple[str, str]] = [
    ("producer", "食品生产企业"),
    ("workshop", "食品小作坊"),
    ("wholesaler", "批发企业"),
    ("market", "集中交易市场"),
    ("retailer", "零售商店"),
    ("restaurant", "餐饮服务"),
    ("school_canteen", "学校食堂"),
    ("canteen", "单位食堂"),
    ("central_kitchen", "中央厨房"),
    ("group_meal", "集体用餐配送单位"),
    ("farm", "种养殖基地"),
    ("cold_store", "冷库/仓储"),
    ("online_platform", "网络餐饮服务第三方平台"),
    ("vendor", "食品摊贩"),
]

FOOD_CATEGORIES: list[tuple[str, str, str]] = [
    ("101", "粮食加工品", SOURCE_PRODUCTION),
    ("102", "食用油、油脂及其制品", SOURCE_PRODUCTION),
    ("103", "调味品", SOURCE_PRODUCTION),
    ("104", "肉制品", SOURCE_PRODUCTION),
    ("105", "乳制品", SOURCE_PRODUCTION),
    ("106", "饮料", SOURCE_PRODUCTION),
    ("107", "方便食品", SOURCE_PRODUCTION),
    ("108", "饼干", SOURCE_PRODUCTION),
    ("109", "罐头", SOURCE_PRODUCTION),
    ("110", "冷冻饮品", SOURCE_PRODUCTION),
    ("111", "速冻食品", SOURCE_PRODUCTION),
    ("112", "薯类和膨化食品", SOURCE_PRODUCTION),
    ("113", "糖果制品", SOURCE_PRODUCTION),
    ("114", "茶叶及相关制品", SOURCE_PRODUCTION),
    ("115", "酒类", SOURCE_PRODUCTION),
    ("116", "蔬菜制品", SOURCE_PRODUCTION),
    ("117", "水果制品", SOURCE_PRODUCTION),
    ("118", "炒货食品及坚果制品", SOURCE_PRODUCTION),
    ("119", "蛋制品", SOURCE_PRODUCTION),
    ("120", "可可及焙烤咖啡产品", SOURCE_PRODUCTION),
    ("121", "食糖", SOURCE_PRODUCTION),
    ("122", "水产制品", SOURCE_PRODUCTION),
    ("123", "淀粉及淀粉制品", SOURCE_PRODUCTION),
    ("124", "糕点", SOURCE_PRODUCTION),
    ("125", "豆制品", SOURCE_PRODUCTION),
    ("126", "蜂产品", SOURCE_PRODUCTION),
    ("127", "保健食品", SOURCE_PRODUCTION),
    ("128", "特殊医学用途配方食品", SOURCE_PRODUCTION),
    ("129", "婴幼儿配方食品", SOURCE_PRODUCTION),
    ("130", "特殊膳食食品", SOURCE_PRODUCTION),
    ("131", "其他食品", SOURCE_PRODUCTION),
    ("B01", "预包装食品销售", SOURCE_BUSINESS),
    ("B02", "散装食品销售", SOURCE_BUSINESS),
    ("B03", "特殊食品销售", SOURCE_BUSINESS),
    ("B04", "热食类食品制售", SOURCE_BUSINESS),
    ("B05", "冷食类食品制售", SOURCE_BUSINESS),
    ("B06", "生食类食品制售", SOURCE_BUSINESS),
    ("B07", "糕点类食品制售", SOURCE_BUSINESS),
    ("B08", "自制饮品制售", SOURCE_BUSINESS),
    ("A01", "蔬菜", SOURCE_PRODUCE),
    ("A02", "水果", SOURCE_PRODUCE),
    ("A03", "茶叶鲜叶", SOURCE_PRODUCE),
    ("A04", "畜禽及其产品", SOURCE_PRODUCE),
    ("A05", "鲜蛋", SOURCE_PRODUCE),
    ("A06", "养殖水产品", SOURCE_PRODUCE),
]
