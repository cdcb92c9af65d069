"""Word lists the normaliser uses: known sender brands, their domains, link shorteners,
and the phrases that mark verification codes, "do not share" warnings and calls to action.

Data, not code: extend a list and retrain (``telcare spam train``) to change what the
classifier sees. Everything is lower case (the normaliser lower-cases first).
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    """Whitespace-separated names; ``_`` stands for a space inside a name."""
    return frozenset(word.replace("_", " ") for word in text.split())


BRANDS: frozenset[str] = _names(
    """
    10000 10010 10086 12306 airbnb amazon amex apple at&t bank_of_america barclays bolt bt
    capital_one chase citi coinbase deliveroo dhl discord doordash dpd dropbox dvla ebay ee ems
    evri facebook fedex giffgaff google gov.uk halifax hmrc hsbc instagram just_eat keep
    linkedin lloyds lyft mastercard microsoft monzo national_rail nationwide natwest netflix
    nhs o2 oppo parcelforce paypal qq revolut royal_mail santander signal sky slack spotify
    starling steam t-mobile telegram tfl three trainline tsb twitter uber ups usps verizon
    virgin_media visa vivo vodafone wells_fargo whatsapp zoom 上海银行 东方航空 个人所得税
    中信银行 中国人寿 中国农业银行 中国国航 中国工商银行 中国广电 中国建设银行 中国电信
    中国移动 中国联通 中国邮政 中国邮政储蓄银行 中国铁路 中国银行 中通快递 丰巢 云闪付
    交管12123 交通银行 京东 京东物流 企业微信 健康北京 光大银行 公安 兴业银行 农业银行 北京银行
    医保 华为 华夏银行 协和医院 南方电网 南方航空 去哪儿 叮咚买菜 哔哩哔哩 唯品会 喜茶
    国家反诈中心 国家电网 国家税务总局 圆通速递 大众点评 天猫 学习强国 小米 小红书 工商银行
    平安保险 平安银行 广发银行 建设银行 微众银行 微信 微博 德邦快递 快手 抖音 招商银行 拼多多
    携程 支付宝 星巴克 曹操出行 极兔速递 民生银行 浦发银行 海南航空 淘宝 滴滴 滴滴出行 燃气
    王者荣耀 瑞幸咖啡 申通快递 电信 百度 盒马 知乎 社保 移动 税务 网商银行 网易 网易游戏 美团
    联想 联通 肯德基 腾讯 自如 自来水 花小猪 苏宁 苹果 荣耀 菜鸟 菜鸟驿站 豆瓣 贝壳找房
    邮储银行 邮政 钉钉 铁路12306 银联 链家 闲鱼 阿里巴巴 韵达快递 顺丰 顺丰速运 飞书 飞猪
    饿了么 高德 高德地图 麦当劳
    """
)
"""Names in a leading or trailing 【…】 signature (or a leading ``[…]`` or ``Name:``) that
belong to real, registered senders."""

INSTITUTION_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        _names(
            """
            医院 诊所 卫生院 银行 快递 速递 速运 物流 大学 学院 学校 幼儿园 中心 政务 公安 法院 税务
            社保 医保 邮政 卫健委 社区 物业 航空 铁路 电网 燃气 水务 供电局 hospital surgery clinic
            dental dentist physio pharmacy practice medical vets council school college
            university bank
            opticians
            """
        )
    )
)
"""Signature names ending like this are institutions (hospitals, banks, schools, councils),
which register their signatures; they count as known senders."""

KNOWN_DOMAINS: frozenset[str] = _names(
    """
    10010.com 10086.cn 12306.cn 126.com 163.com 189.cn 3.cn 95516.com abchina.com
    airchina.com.cn alibaba.com alipay.com amap.com amazon.com apple.com baidu.com bankcomm.com
    bankofamerica.com barclays.co.uk bilibili.com boc.cn cainiao.com ccb.com ceair.com
    cebbank.com chase.com chinamobile.com chinapost.com.cn chinatelecom.com.cn chinaunicom.com
    cib.com.cn citicbank.com cmbc.com.cn cmbchina.com csair.com ctrip.com dhl.com
    didiglobal.com dingtalk.com doordash.com douyin.com dpurl.cn edu.cn ele.me ems.com.cn
    fedex.com feishu.cn fliggy.com github.com google.com gov.cn gov.uk hsbc.co.uk hsbc.com
    huawei.com icbc.com.cn icloud.com jd.com jtexpress.com kuaishou.com linkedin.com
    lloydsbank.com lyft.com m.tb.cn meituan.com mi.com microsoft.com netflix.com nhs.uk
    paypal.com pinduoduo.com pingan.com psbc.com qq.com qunar.com royalmail.com sf-express.com
    spdb.com.cn spotify.com sto.cn taobao.com tb.cn tmall.com uber.com unionpay.com ups.com
    usps.com weibo.com weixin.qq.com wellsfargo.com xiaohongshu.com xiaojukeji.com
    yangkeduo.com yto.net.cn yundaex.com zhihu.com zto.com
    """
)
"""Domains (and their subdomains) of well-known senders."""

SHORTENERS: frozenset[str] = _names(
    """
    0x3.me bit.ly buff.ly cutt.ly dwz.cn goo.gl is.gd mrw.so ow.ly rb.gy rebrand.ly s.id
    shorturl.at sina.lt suo.im suo.nz t.cn t.co t.ly tiny.cc tinyurl.com u.nu url.cn v.gd
    w.url.cn
    """
)
"""Link shorteners: the real destination is hidden."""

CODE_WORDS: tuple[str, ...] = (
    "验证码",
    "校验码",
    "动态码",
    "动态密码",
    "确认码",
    "取件码",
    "提货码",
    "取餐码",
    "登录码",
    "verification code",
    "security code",
    "one-time",
    "one time",
    "passcode",
    "otp",
    "login code",
    "confirmation code",
    "your code",
    "code is",
    "pin is",
)
"""Phrases that introduce a one-time code (a :data:`~telcare.antispam.text.CODE` follows)."""

NO_SHARE_WORDS: tuple[str, ...] = (
    "请勿泄露",
    "切勿泄露",
    "请勿告知",
    "切勿告知",
    "不要告诉",
    "勿告诉",
    "勿泄露",
    "请勿转发",
    "工作人员不会",
    "do not share",
    "don't share",
    "never share",
    "not share this",
    "will never ask",
)
"""Warnings that real code messages carry."""

CTA_WORDS: tuple[str, ...] = (
    "点击",
    "点此",
    "戳",
    "领取",
    "速领",
    "立即",
    "马上",
    "立刻",
    "复制链接",
    "打开链接",
    "访问",
    "登陆",
    "加微信",
    "加v",
    "加qq",
    "回复",
    "click",
    "tap ",
    "claim",
    "verify",
    "confirm your",
    "update your",
    "log in",
    "login at",
    "visit",
    "call now",
    "act now",
    "urgent",
    "reply",
    "pay now",
    "pay this",
    "pay the",
)
"""Calls to action."""
