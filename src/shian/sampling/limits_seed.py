"""Seed rows of the limits table: a real subset of GB 2763-2021, GB 2762-2022 and GB 29921-2021.

Used by the data migration ``sampling.0002_seed_limits``; administrators edit the table afterwards.
Values were entered from memory of the standards and of SAMR sampling notices that quote them
(抽检信息公告 "不合格项目小知识"), not read in the standards' own text: rows marked **S** agree with
several such secondary sources; rows marked **U** are uncertain and must be checked against the
standard before enforcement use. Clause numbers of GB 2763-2021 (one sub-clause of chapter 4 per
pesticide) were not checked, so those rows cite the chapter and the pesticide.
"""

from __future__ import annotations

# (code, name, parent code or "", food category codes it usually corresponds to)
FOOD_GROUPS: list[tuple[str, str, str, str]] = [
    ("veg", "新鲜蔬菜", "", "A01"),
    ("veg_leafy", "叶菜类蔬菜", "veg", ""),
    ("veg_celery", "芹菜", "veg_leafy", ""),
    ("veg_bok_choy", "普通白菜（小白菜、青菜）", "veg_leafy", ""),
    ("veg_brassica", "芸薹属类蔬菜（菜心、芥蓝、甘蓝）", "veg", ""),
    ("veg_chive", "韭菜", "veg", ""),
    ("veg_legume", "豆类蔬菜", "veg", ""),
    ("veg_cowpea", "豇豆", "veg_legume", ""),
    ("fruit", "新鲜水果", "", "A02"),
    ("fruit_citrus", "柑橘类水果", "fruit", ""),
    ("cereal", "谷物", "", "101"),
    ("rice", "大米", "cereal", ""),
    ("meat", "畜禽肉类（内脏除外）", "", "A04"),
    ("offal", "畜禽内脏", "", ""),
    ("aquatic", "鲜、冻水产动物", "", "A06"),
    ("fish", "鱼类", "aquatic", ""),
    ("crustacean", "甲壳类", "aquatic", ""),
    ("bivalve", "双壳类", "aquatic", ""),
    ("egg", "鲜蛋", "", "A05"),
    ("milk", "生乳、巴氏杀菌乳", "", "105"),
    ("tea", "茶叶", "", "114"),
    ("oil", "食用植物油", "", "102"),
    ("meat_cooked", "熟肉制品", "", "104"),
    ("meat_bbq", "熏、烧、烤肉类", "meat_cooked", ""),
    ("aquatic_rte", "即食生制动物性水产制品", "", "122"),
    ("rte_fruit_veg", "即食果蔬制品（含酱腌菜类）", "", "116"),
    ("veg_pickled", "腌渍蔬菜", "rte_fruit_veg", ""),
    ("frozen_drinks", "冷冻饮品", "", "110"),
]

GB2763 = "GB 2763-2021"
GB2762 = "GB 2762-2022"
GB29921 = "GB 29921-2021"
P, C, B = "pesticide", "contaminant", "pathogen"
CH4 = "第4章"

# Maxima: (standard, clause, kind, item code, item, food group, value, unit, basis, confidence, note)
MAXIMA: list[tuple[str, str, str, str, str, str, str, str, str, str, str]] = [
    (GB2763, f"{CH4} 毒死蜱", P, "chlorpyrifos", "毒死蜱", "veg_celery", "0.05", "mg/kg", "", "S", ""),
    (GB2763, f"{CH4} 毒死蜱", P, "chlorpyrifos", "毒死蜱", "veg_chive", "0.02", "mg/kg", "", "S", ""),
    (GB2763, f"{CH4} 毒死蜱", P, "chlorpyrifos", "毒死蜱", "veg_leafy", "0.02", "mg/kg", "", "U", "叶菜类蔬菜通用值未核对"),
    (GB2763, f"{CH4} 氧乐果", P, "omethoate", "氧乐果", "veg", "0.02", "mg/kg", "", "S", "禁限用农药"),
    (GB2763, f"{CH4} 氧乐果", P, "omethoate", "氧乐果", "fruit_citrus", "0.02", "mg/kg", "", "S", "禁限用农药"),
    (GB2763, f"{CH4} 克百威", P, "carbofuran", "克百威", "veg", "0.02", "mg/kg", "克百威及3-羟基克百威之和", "S", "禁限用农药"),
    (GB2763, f"{CH4} 克百威", P, "carbofuran", "克百威", "fruit_citrus", "0.02", "mg/kg", "克百威及3-羟基克百威之和", "S", "禁限用农药"),
    (GB2763, f"{CH4} 甲拌磷", P, "phorate", "甲拌磷", "veg", "0.01", "mg/kg", "甲拌磷及其氧类似物（亚砜、砜）之和", "S", "禁限用农药"),
    (GB2763, f"{CH4} 腐霉利", P, "procymidone", "腐霉利", "veg_chive", "0.2", "mg/kg", "", "S", ""),
    (GB2763, f"{CH4} 灭蝇胺", P, "cyromazine", "灭蝇胺", "veg_cowpea", "0.5", "mg/kg", "", "S", ""),
    (GB2763, f"{CH4} 阿维菌素", P, "abamectin", "阿维菌素", "veg_cowpea", "0.05", "mg/kg", "", "U", ""),
    (GB2763, f"{CH4} 啶虫脒", P, "acetamiprid", "啶虫脒", "veg_celery", "3", "mg/kg", "", "U", ""),
    (GB2763, f"{CH4} 水胺硫磷", P, "isocarbophos", "水胺硫磷", "fruit_citrus", "0.02", "mg/kg", "", "U", "禁限用农药"),
    (GB2763, f"{CH4} 联苯菊酯", P, "bifenthrin", "联苯菊酯", "tea", "5", "mg/kg", "", "S", ""),
    # Lead (铅), GB 2762-2022 4.1
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "veg", "0.1", "mg/kg", "以Pb计", "S", "芸薹类、叶菜、豆类蔬菜、生姜、薯类除外"),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "veg_leafy", "0.3", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "veg_brassica", "0.3", "mg/kg", "以Pb计", "U", "2022年版芸薹类蔬菜限量未核对"),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "veg_legume", "0.2", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "fruit", "0.1", "mg/kg", "以Pb计", "S", "浆果和其他小粒水果除外"),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "cereal", "0.2", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "meat", "0.2", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "offal", "0.5", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "meat_cooked", "0.5", "mg/kg", "以Pb计", "S", "肉制品"),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "aquatic", "1.0", "mg/kg", "以Pb计", "U", "鱼类、甲壳类、双壳类除外，去除内脏"),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "fish", "0.5", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "crustacean", "0.5", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "bivalve", "1.5", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "egg", "0.2", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "milk", "0.02", "mg/kg", "以Pb计", "S", ""),
    (GB2762, "4.1 铅 表1", C, "lead", "铅", "tea", "5.0", "mg/kg", "以Pb计", "S", ""),
    # Cadmium (镉), 4.2
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "veg", "0.05", "mg/kg", "以Cd计", "S", "叶菜、豆类、块根和块茎、茎类蔬菜、黄花菜除外"),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "veg_leafy", "0.2", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "veg_celery", "0.2", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "veg_legume", "0.1", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "fruit", "0.05", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "cereal", "0.1", "mg/kg", "以Cd计", "S", "稻谷除外"),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "rice", "0.2", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "meat", "0.1", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "offal", "0.5", "mg/kg", "以Cd计", "U", "畜禽肝脏0.5、肾脏1.0，本行按肝脏"),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "fish", "0.1", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "crustacean", "0.5", "mg/kg", "以Cd计", "S", ""),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "bivalve", "2.0", "mg/kg", "以Cd计", "S", "去除内脏"),
    (GB2762, "4.2 镉 表2", C, "cadmium", "镉", "egg", "0.05", "mg/kg", "以Cd计", "S", ""),
    # Mercury (汞), 4.3: total mercury, methylmercury in aquatic animals
    (GB2762, "4.3 汞 表3", C, "mercury", "总汞", "veg", "0.01", "mg/kg", "以Hg计", "S", ""),
    (GB2762, "4.3 汞 表3", C, "mercury", "总汞", "rice", "0.02", "mg/kg", "以Hg计", "S", ""),
    (GB2762, "4.3 汞 表3", C, "mercury", "总汞", "meat", "0.05", "mg/kg", "以Hg计", "S", ""),
    (GB2762, "4.3 汞 表3", C, "mercury", "总汞", "egg", "0.05", "mg/kg", "以Hg计", "S", ""),
    (GB2762, "4.3 汞 表3", C, "mercury", "总汞", "milk", "0.01", "mg/kg", "以Hg计", "S", ""),
    (GB2762, "4.3 汞 表3", C, "methylmercury", "甲基汞", "aquatic", "0.5", "mg/kg", "以Hg计", "S", "肉食性鱼类及其制品为1.0"),
    # Arsenic (砷), 4.4
    (GB2762, "4.4 砷 表4", C, "arsenic", "总砷", "veg", "0.5", "mg/kg", "以As计", "S", ""),
    (GB2762, "4.4 砷 表4", C, "arsenic_inorganic", "无机砷", "rice", "0.2", "mg/kg", "以As计", "U", "2022年版大米无机砷限量未核对（可能已调整）"),
    # Nitrite (亚硝酸盐), 4.8; benzo[a]pyrene (苯并[a]芘), 4.9
    (GB2762, "4.8 亚硝酸盐 表8", C, "nitrite", "亚硝酸盐", "veg_pickled", "20", "mg/kg", "以NaNO2计", "S", ""),
    (GB2762, "4.9 苯并[a]芘 表9", C, "benzo_a_pyrene", "苯并[a]芘", "meat_bbq", "5.0", "μg/kg", "", "S", ""),
    (GB2762, "4.9 苯并[a]芘 表9", C, "benzo_a_pyrene", "苯并[a]芘", "rice", "5.0", "μg/kg", "", "S", "稻谷、糙米、大米"),
    (GB2762, "4.9 苯并[a]芘 表9", C, "benzo_a_pyrene", "苯并[a]芘", "oil", "10", "μg/kg", "", "S", "油脂及其制品"),
]

# Sampling plans: (standard, clause, item code, item, food group, n, c, m, M or "", unit, confidence, note)
PLANS: list[tuple[str, str, str, str, str, int, int, str, str, str, str, str]] = [
    (GB29921, "表1 肉制品（熟肉制品）", "salmonella", "沙门氏菌", "meat_cooked", 5, 0, "0", "", "/25g", "S", ""),
    (GB29921, "表1 肉制品（熟肉制品）", "staphylococcus_aureus", "金黄色葡萄球菌", "meat_cooked", 5, 1, "100", "1000", "CFU/g", "S", ""),
    (GB29921, "表1 肉制品（熟肉制品）", "listeria_monocytogenes", "单核细胞增生李斯特氏菌", "meat_cooked", 5, 0, "0", "", "/25g", "S", ""),
    (GB29921, "表1 肉制品（熟肉制品）", "e_coli_o157", "大肠埃希氏菌O157:H7", "meat_cooked", 5, 0, "0", "", "/25g", "U", "仅适用于牛肉制品"),
    (GB29921, "表1 水产制品（即食生制动物性水产制品）", "salmonella", "沙门氏菌", "aquatic_rte", 5, 0, "0", "", "/25g", "S", ""),
    (GB29921, "表1 水产制品（即食生制动物性水产制品）", "vibrio_parahaemolyticus", "副溶血性弧菌", "aquatic_rte", 5, 1, "100", "1000", "MPN/g",
     "S", ""),
    (GB29921, "表1 水产制品（即食生制动物性水产制品）", "staphylococcus_aureus", "金黄色葡萄球菌", "aquatic_rte", 5, 1, "100", "1000", "CFU/g",
     "U", ""),
    (GB29921, "表1 即食果蔬制品（含酱腌菜类）", "salmonella", "沙门氏菌", "rte_fruit_veg", 5, 0, "0", "", "/25g", "S", ""),
    (GB29921, "表1 即食果蔬制品（含酱腌菜类）", "staphylococcus_aureus", "金黄色葡萄球菌", "rte_fruit_veg", 5, 1, "100", "1000", "CFU/g", "S", ""),
    (GB29921, "表1 冷冻饮品", "salmonella", "沙门氏菌", "frozen_drinks", 5, 0, "0", "", "/25g", "S", ""),
    (GB29921, "表1 冷冻饮品", "staphylococcus_aureus", "金黄色葡萄球菌", "frozen_drinks", 5, 1, "100", "1000", "CFU/g", "S", ""),
    (GB29921, "表1 冷冻饮品", "listeria_monocytogenes", "单核细胞增生李斯特氏菌", "frozen_drinks", 5, 0, "0", "", "/25g", "U", ""),
]

SOURCE_NOTE = "限量值依据标准文本以外的公开资料录入，使用前请核对标准原文"
