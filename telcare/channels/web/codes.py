"""Codes the console pages show, said in words in both languages: ``code(family, value)``
in a template renders ``web.code.<family>.<value>`` (an unknown code as it is)."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context

from telcare.channels.web.render import templates
from telcare.domain.messages import known, register, render

CODES: dict[str, tuple[str, str]] = {
    # codes the console pages show, said in words (code(family, value) in a template)
    "web.code.sender_status.clear": ("正常", "clear"),
    "web.code.sender_status.flagged": ("已标记", "flagged"),
    "web.code.sender_status.restricted": ("已限制发送", "restricted"),
    "web.code.sender_kind.on_net": ("本网号码", "on-net number"),
    "web.code.sender_kind.off_net": ("他网号码", "off-net number"),
    "web.code.sender_kind.sp": ("SP端口", "SP port"),
    "web.code.channel.sms": ("短信", "SMS"),
    "web.code.channel.web": ("网上营业厅", "online hall"),
    "web.code.channel.hall": ("网上营业厅", "online hall"),
    "web.code.channel.api": ("接口", "API"),
    "web.code.channel.console": ("客服代登记", "agent"),
    "web.code.channel.chat": ("在线客服", "online chat"),
    "web.code.channel.shop": ("营业厅", "shop"),
    "web.code.channel.hotline": ("10086热线", "10086 hotline"),
    "web.code.channel.ticket": ("投诉处理", "complaint"),
    "web.code.channel.g3": ("G3开通", "G3 subscription"),
    "web.code.channel.online": ("网上营业厅", "online hall"),
    "web.code.spam_action.flag": ("标记", "flagged"),
    "web.code.spam_action.unflag": ("撤销标记", "unflagged"),
    "web.code.spam_action.dismiss": ("无违规", "no violation"),
    "web.code.spam_action.confirm": ("确认违规", "violation confirmed"),
    "web.code.spam_action.appeal": ("申诉", "appeal"),
    "web.code.spam_action.restrict_outbound": ("限制发送", "sending restricted"),
    "web.code.spam_action.sp_violation": ("记SP违规", "SP violation recorded"),
    "web.code.spam_action.enterprise_add": ("加入企业白名单", "enterprise sender added"),
    "web.code.spam_action.enterprise_remove": ("移出企业白名单", "enterprise sender removed"),
    "web.code.dim.province": ("省份", "province"),
    "web.code.dim.channel": ("渠道", "channel"),
    "web.code.dim.shop": ("营业厅", "shop"),
    "web.code.dim.template": ("问卷模板", "template"),
    "web.code.dim.version": ("版本", "version"),
    "web.code.dim.month": ("月份", "month"),
    "web.code.col.id": ("编号", "ID"),
    "web.code.col.created_at": ("创建时间", "Created"),
    "web.code.col.category": ("分类", "Category"),
    "web.code.col.channel": ("渠道", "Channel"),
    "web.code.col.status": ("状态", "Status"),
    "web.code.col.summary": ("标题", "Title"),
    "web.code.col.resolve_by": ("解决时限", "Resolve by"),
    "web.code.col.resolved_at": ("解决时间", "Resolved"),
    "web.code.col.msisdn": ("号码", "Number"),
    "web.code.col.sender": ("发送号码", "Sender"),
    "web.code.col.reporter": ("举报人", "Reporter"),
    "web.code.col.text": ("内容", "Text"),
    "web.code.col.handled_at": ("处理时间", "Handled"),
    "web.code.col.gift_code": ("礼品", "Gift"),
    "web.code.col.delivered_at": ("签收时间", "Delivered"),
    "web.code.col.score": ("得分", "Score"),
    "web.code.col.trigger": ("触发", "Trigger"),
    "web.code.col.sent_at": ("发送时间", "Sent"),
    "web.code.col.state": ("状态", "State"),
    "web.code.col.reason": ("原因", "Reason"),
    "web.code.col.ref": ("记录", "Record"),
    "web.code.col.amount_fen": ("金额（分）", "Amount (fen)"),
    "web.code.case_status.open": ("待处理", "open"),
    "web.code.case_status.investigating": ("调查中", "under investigation"),
    "web.code.case_status.upheld": ("已查实", "upheld"),
    "web.code.case_status.dismissed": ("不成立", "dismissed"),
    "web.code.action_status.open": ("整改中", "open"),
    "web.code.action_status.done": ("已完成，待验证", "done, to be verified"),
    "web.code.action_status.closed": ("已验证关闭", "verified and closed"),
    "web.code.launch_kind.product": ("产品资费", "product"),
    "web.code.launch_kind.sp_service": ("SP业务", "SP service"),
    "web.code.launch_status.testing": ("测试中", "testing"),
    "web.code.launch_status.passed": ("测试通过", "passed"),
    "web.code.launch_status.legacy": ("存量产品", "legacy"),
    "web.code.login_kind.account.deleted": ("删除账号", "account deleted"),
    "web.code.login_kind.account.logged_out": ("退出登录", "logged out"),
    "web.code.login_kind.account.password": ("修改密码", "password changed"),
    "web.code.login_kind.login.address_blocked": ("封禁地址", "address blocked"),
    "web.code.login_kind.login.address_unblocked": ("解封地址", "address unblocked"),
    "web.code.login_kind.login.locked": ("账号锁定", "account locked"),
    "web.code.login_kind.login.staff": ("员工登录", "staff sign-in"),
    "web.code.login_kind.login.unlocked": ("解除锁定", "account unlocked"),
    "web.code.sp_action.none": ("不处理", "none"),
    "web.code.sp_action.suspend": ("暂停业务", "suspended"),
    "web.code.sp_action.reinstate": ("恢复业务", "reinstated"),
    "web.code.sp_action.terminate": ("终止合作", "terminated"),
    "web.code.mt_action.deliver": ("投递", "delivered"),
    "web.code.mt_action.quarantine": ("隔离", "quarantined"),
    "web.code.mt_action.stop": ("拦截", "stopped"),
    "web.code.mt_reason.sender_restricted": ("发送方已限制", "sender restricted"),
    "web.code.mt_reason.allowlist": ("白名单", "allowlist"),
    "web.code.mt_reason.blocked_number": ("拦截号码", "blocked number"),
    "web.code.mt_reason.blocked_prefix": ("拦截号段", "blocked prefix"),
    "web.code.mt_reason.keyword": ("关键词", "keyword"),
    "web.code.mt_reason.sender_flagged": ("被举报号码", "reported sender"),
    "web.code.mt_reason.classifier": ("智能识别", "classifier"),
    "web.code.mt_reason.enterprise": ("企业白名单", "enterprise sender"),
    "web.code.mt_reason.clean": ("正常短信", "clean"),
    "web.code.all_provinces": ("全部省份", "All provinces"),
    "web.code.national": ("全国", "National"),
}
register(CODES)


def code_text(lang: str, family: str, value: object) -> str:
    """A code of ``family`` in words (``web.code.<family>.<value>``); an unknown code as is."""
    if value is None:
        return ""
    key = f"web.code.{family}.{value}"
    return render(key, lang) if known(key) else str(value)


@pass_context
def _code(context: Context, family: str, value: object) -> str:
    return code_text(str(context.get("lang", "zh")), family, value)


templates.env.globals["code"] = _code
