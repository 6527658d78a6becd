<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AcceptanceDialog</name>
    <message>
        <source>留空按房号编号</source>
        <translation>Leave blank to number by room no.</translation>
    </message>
    <message>
        <source>如 入户门</source>
        <translation>e.g. front door</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(please choose)</translation>
    </message>
    <message>
        <source>已核对</source>
        <translation>Checked</translation>
    </message>
    <message>
        <source>已试开</source>
        <translation>Tried in lock</translation>
    </message>
    <message>
        <source>钥匙验收 — 钥匙验收记录表</source>
        <translation>Key Acceptance — Key Acceptance Record</translation>
    </message>
    <message>
        <source>钥匙柜</source>
        <translation>Key cabinet</translation>
    </message>
    <message>
        <source>选择或输入移交钥匙的施工单位</source>
        <translation>Choose or type the contractor handing over the keys</translation>
    </message>
    <message>
        <source>施工单位</source>
        <translation>Contractor</translation>
    </message>
    <message>
        <source>交匙人</source>
        <translation>Handed over by</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>门锁</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>数量已核对</source>
        <translation>Count checked</translation>
    </message>
    <message>
        <source>添加一行（Ctrl+N）</source>
        <translation>Add Row (Ctrl+N)</translation>
    </message>
    <message>
        <source>删除末行</source>
        <translation>Delete Last Row</translation>
    </message>
    <message>
        <source>楼栋-单元，如 3-2</source>
        <translation>Building-unit, e.g. 3-2</translation>
    </message>
    <message>
        <source>按房号批量添加</source>
        <translation>Add All Rooms</translation>
    </message>
    <message>
        <source>整单元：</source>
        <translation>Whole unit:</translation>
    </message>
    <message>
        <source>钥匙</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>《钥匙验收记录表》</source>
        <translation>Key Acceptance Record</translation>
    </message>
    <message>
        <source>没有以 {prefix} 开头、尚未列出的房号</source>
        <translation>No unlisted room no. starts with {prefix}</translation>
    </message>
    <message>
        <source>已添加 {n} 个房号</source>
        <translation>Added {n} room(s)</translation>
    </message>
    <message>
        <source>钥匙柜只剩 {free} 个空钩位：还有 {left} 个房号未添加</source>
        <translation>The cabinet has only {free} empty hook(s) left: {left} room(s) not added</translation>
    </message>
    <message>
        <source>请填写移交钥匙的施工单位</source>
        <translation>Please enter the contractor handing over the keys</translation>
    </message>
    <message>
        <source>请填写施工队交匙人</source>
        <translation>Please enter who handed over the keys for the contractor</translation>
    </message>
    <message>
        <source>请至少登记一把钥匙</source>
        <translation>Please enter at least one key</translation>
    </message>
    <message>
        <source>第{i}行：请填写钥匙编号</source>
        <translation>Row {i}: please enter the key no.</translation>
    </message>
    <message>
        <source>第{i}行（{number}）：找不到房号“{room}”</source>
        <translation>Row {i} ({number}): room no. &quot;{room}&quot; not found</translation>
    </message>
    <message>
        <source>第{i}行（{number}）：请选择钩位</source>
        <translation>Row {i} ({number}): please choose a hook</translation>
    </message>
    <message>
        <source>第{i}行（{number}）：数量未核对，不能验收</source>
        <translation>Row {i} ({number}): the count is not checked, so it cannot be accepted</translation>
    </message>
    <message>
        <source>第{i}行（{number}）：未试开门锁，不能验收</source>
        <translation>Row {i} ({number}): not tried in the lock, so it cannot be accepted</translation>
    </message>
    <message>
        <source>同一批次中钥匙编号重复</source>
        <translation>The same key no. appears twice in this batch</translation>
    </message>
    <message>
        <source>同一批次中有两把钥匙挂在同一钩位</source>
        <translation>Two keys in this batch are on the same hook</translation>
    </message>
</context>
<context>
    <name>AddToPlanDialog</name>
    <message>
        <source>加入{month}走访计划</source>
        <translation>Add to the {month} Visit Plan</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>如 3-2-1201</source>
        <translation>e.g. 3-2-1201</translation>
    </message>
    <message>
        <source>请填写房号</source>
        <translation>Please enter the room no.</translation>
    </message>
</context>
<context>
    <name>AdminSetupDialog</name>
    <message>
        <source>首次使用：建立管理员账号</source>
        <translation>First Use: Create Administrator Account</translation>
    </message>
    <message>
        <source>欢迎使用 FrontDesk 物业客服台。请先填写小区信息并建立系统管理员账号，之后用它登录并为客服人员建立账号。</source>
        <translation>Welcome to FrontDesk Property Service Desk. First enter your community&apos;s details and create the administrator account, then sign in with it to create accounts for your service staff.</translation>
    </message>
    <message>
        <source>小区名称</source>
        <translation>Community name</translation>
    </message>
    <message>
        <source>物业公司</source>
        <translation>Property company</translation>
    </message>
    <message>
        <source>管理员用户名</source>
        <translation>Administrator username</translation>
    </message>
    <message>
        <source>显示名</source>
        <translation>Display name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>再次输入密码</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <source>如：中天雅苑</source>
        <translation>e.g. Zhongtian Yayuan</translation>
    </message>
    <message>
        <source>如：中天物业服务有限公司</source>
        <translation>e.g. Zhongtian Property Services Co., Ltd.</translation>
    </message>
    <message>
        <source>请填写小区名称</source>
        <translation>Please enter the community name</translation>
    </message>
    <message>
        <source>请填写物业公司名称（用于接听电话的问候语）</source>
        <translation>Please enter the property company name (used in the phone greeting)</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The passwords do not match</translation>
    </message>
</context>
<context>
    <name>ArchiveDialog</name>
    <message>
        <source>归档钥匙记录</source>
        <translation>Archive Key Records</translation>
    </message>
    <message>
        <source>归档此日期以前</source>
        <translation>Archive records before</translation>
    </message>
    <message>
        <source>将归档</source>
        <translation>To be archived</translation>
    </message>
    <message>
        <source>钥匙记录至少保存两年。归档先把记录导出为 Excel 工作簿，再从数据库删除；在柜、借出中、未结束的记录不归档。</source>
        <translation>Key records are kept for at least two years. Archiving first exports the records to an Excel workbook, then deletes them from the database; keys in the cabinet or on loan and unfinished records are not archived.</translation>
    </message>
    <message>
        <source>只有客服主管可以归档钥匙记录。</source>
        <translation>Only a supervisor can archive key records.</translation>
    </message>
    <message>
        <source>导出并归档…</source>
        <translation>Export and Archive…</translation>
    </message>
    <message>
        <source>借领单 {loans} 张，托存登记 {deposits} 份，交付记录 {handovers} 份，遗失/损坏 {incidents} 条，钥匙履历 {events} 条</source>
        <translation>{loans} loan slip(s), {deposits} deposit record(s), {handovers} handover record(s), {incidents} lost/damaged report(s), {events} key history entries</translation>
    </message>
    <message>
        <source>只有客服主管可以归档钥匙记录</source>
        <translation>Only a supervisor can archive key records</translation>
    </message>
    <message>
        <source>没有可归档的记录</source>
        <translation>There are no records to archive</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel Workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>未选择保存位置，没有归档</source>
        <translation>No save location chosen; nothing was archived</translation>
    </message>
    <message>
        <source>将 {n} 条记录导出到
{path}
然后从数据库删除。继续吗？</source>
        <translation>Export {n} record(s) to
{path}
and then delete them from the database. Continue?</translation>
    </message>
    <message>
        <source>已取消，没有归档</source>
        <translation>Cancelled; nothing was archived</translation>
    </message>
    <message>
        <source>已归档 {n} 条记录到 {path}</source>
        <translation>Archived {n} record(s) to {path}</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>审计日志</source>
        <translation>Audit Log</translation>
    </message>
    <message>
        <source>内容包含…（房号、姓名、摘要）</source>
        <translation>Contains… (room no., name, summary)</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>摘要</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>修改前后</source>
        <translation>Before / After</translation>
    </message>
    <message>
        <source>内容含“{t}”</source>
        <translation>Contains &quot;{t}&quot;</translation>
    </message>
    <message>
        <source>用户 {u}</source>
        <translation>User {u}</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>修改前：{before}
修改后：{after}</source>
        <translation>Before: {before}
After: {after}</translation>
    </message>
</context>
<context>
    <name>CabinetGridModel</name>
    <message>
        <source>钩位 {hook}：空钩</source>
        <translation>Hook {hook}: empty</translation>
    </message>
    <message>
        <source>钥匙 {number} · 房号 {room}</source>
        <translation>Key {number} · Room {room}</translation>
    </message>
    <message>
        <source>{kind} · {copies} 把 · 钩位 {hook}</source>
        <translation>{kind} · {copies} key(s) · hook {hook}</translation>
    </message>
    <message>
        <source>状态：{state}</source>
        <translation>Status: {state}</translation>
    </message>
    <message>
        <source>借用人：{holder}</source>
        <translation>Borrower: {holder}</translation>
    </message>
    <message>
        <source>应还时间：{due}（已逾期）</source>
        <translation>Due back: {due} (overdue)</translation>
    </message>
    <message>
        <source>应还时间：{due}</source>
        <translation>Due back: {due}</translation>
    </message>
    <message>
        <source>借领单：{serial}</source>
        <translation>Loan slip: {serial}</translation>
    </message>
    <message>
        <source>标签检查：{when}</source>
        <translation>Label checked: {when}</translation>
    </message>
</context>
<context>
    <name>CabinetSetupDialog</name>
    <message>
        <source>钥匙柜设置</source>
        <translation>Key Cabinet Setup</translation>
    </message>
    <message>
        <source>新建钥匙柜</source>
        <translation>New Key Cabinet</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>行 ×</source>
        <translation>rows ×</translation>
    </message>
    <message>
        <source>列</source>
        <translation>columns</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hooks</translation>
    </message>
    <message>
        <source>如 客服中心前台左侧</source>
        <translation>e.g. left of the service center counter</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>双击或直接输入修改钩位标签；改变行列数后，新钩位用默认标签，保存后可修改。</source>
        <translation>Double-click or just type to change a hook label. After you change the rows or columns, new hooks get default labels, which you can change after saving.</translation>
    </message>
    <message>
        <source>钩位标签</source>
        <translation>Hook labels</translation>
    </message>
    <message>
        <source>批量生成钥匙</source>
        <translation>Create Keys in Bulk</translation>
    </message>
    <message>
        <source>{b} 栋</source>
        <translation>Building {b}</translation>
    </message>
    <message>
        <source> 把</source>
        <translation> key(s)</translation>
    </message>
    <message>
        <source>生成</source>
        <translation>Generate</translation>
    </message>
    <message>
        <source>房屋</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>每把</source>
        <translation>each with</translation>
    </message>
    <message>
        <source>保存钥匙柜后即可批量生成钥匙。</source>
        <translation>Save the cabinet first; then you can create keys in bulk.</translation>
    </message>
    <message>
        <source>钥匙柜设置 — {name}</source>
        <translation>Key Cabinet Setup — {name}</translation>
    </message>
    <message>
        <source>空钩</source>
        <translation>Empty hook</translation>
    </message>
    <message>
        <source>保存后按 A01、A02… 自动编钩位标签，之后可在此修改。</source>
        <translation>After saving, the hooks are labelled A01, A02… automatically; you can change the labels here afterwards.</translation>
    </message>
    <message>
        <source>钩位标签不能为空</source>
        <translation>A hook label cannot be empty</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>已新建钥匙柜 {name}（{n} 个钩位），可以批量生成钥匙。</source>
        <translation>Key cabinet {name} created ({n} hooks). You can now create keys in bulk.</translation>
    </message>
    <message>
        <source>全部单元</source>
        <translation>All units</translation>
    </message>
    <message>
        <source>{u} 单元</source>
        <translation>Unit {u}</translation>
    </message>
    <message>
        <source>将为 {n} 个房屋各生成一把{kind}（已有同类钥匙的房屋跳过）；本柜空钩位 {free} 个。</source>
        <translation>Will create one key ({kind}) for each of {n} room(s), skipping rooms that already have one of this category; this cabinet has {free} empty hook(s).</translation>
    </message>
    <message>
        <source>请选择楼栋和单元</source>
        <translation>Please choose the building and unit</translation>
    </message>
    <message>
        <source>已生成 {n} 把，挂在 {first} 至 {last}；跳过 {skipped} 个已有同类钥匙的房屋。</source>
        <translation>Created {n} key(s) on hooks {first} to {last}; skipped {skipped} room(s) that already have a key of this category.</translation>
    </message>
    <message>
        <source>没有生成：{skipped} 个房屋都已有同类钥匙。</source>
        <translation>Nothing created: all {skipped} room(s) already have a key of this category.</translation>
    </message>
</context>
<context>
    <name>CallbackDialog</name>
    <message>
        <source>《业主回访记录单》</source>
        <translation>Owner Callback Record</translation>
    </message>
    <message>
        <source>{kind}&#x3000;{room}&#x3000;{name}&#x3000;{contact}</source>
        <translation>{kind}  {room}  {name}  {contact}</translation>
    </message>
    <message>
        <source>回访对象</source>
        <translation>Callback to</translation>
    </message>
    <message>
        <source>（加急）</source>
        <translation> (urgent)</translation>
    </message>
    <message>
        <source>应回访时间</source>
        <translation>Callback due</translation>
    </message>
    <message>
        <source>回访原因</source>
        <translation>Reason for callback</translation>
    </message>
    <message>
        <source>回访方式</source>
        <translation>Callback method</translation>
    </message>
    <message>
        <source>回访人</source>
        <translation>Called back by</translation>
    </message>
    <message>
        <source>回访内容</source>
        <translation>Callback details</translation>
    </message>
    <message>
        <source>业主意见</source>
        <translation>Owner&apos;s comments</translation>
    </message>
    <message>
        <source>满意程度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>跟进措施</source>
        <translation>Follow-up actions</translation>
    </message>
    <message>
        <source>不满意时必填：致歉与整改安排</source>
        <translation>Required if dissatisfied: apology and corrective actions</translation>
    </message>
    <message>
        <source>不满意时立即新建投诉</source>
        <translation>If dissatisfied, create a complaint right away</translation>
    </message>
    <message>
        <source>投诉类别</source>
        <translation>Complaint category</translation>
    </message>
    <message>
        <source>请选择</source>
        <translation>Please choose</translation>
    </message>
</context>
<context>
    <name>CallbacksPanel</name>
    <message>
        <source>年度走访覆盖：</source>
        <translation>Annual visit coverage:</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>应回访日期</source>
        <translation>Due date</translation>
    </message>
    <message>
        <source>房号、姓名、电话或原因</source>
        <translation>Room no., name, phone or reason</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>记录回访…</source>
        <translation>Record Callback…</translation>
    </message>
    <message>
        <source>打开《业主回访记录单》（回车或双击）</source>
        <translation>Open the Owner Callback Record (Enter or double-click)</translation>
    </message>
    <message>
        <source>打印回访单…</source>
        <translation>Print Callback Form…</translation>
    </message>
    <message>
        <source>取消回访…</source>
        <translation>Cancel Callback…</translation>
    </message>
    <message>
        <source>登记意见调查…</source>
        <translation>Record Survey…</translation>
    </message>
    <message>
        <source>录入业主的满意度评价；每项“不满意”都会生成回访</source>
        <translation>Enter the owner&apos;s satisfaction ratings; each &quot;Dissatisfied&quot; creates a callback</translation>
    </message>
    <message>
        <source>制定本月走访计划…</source>
        <translation>Plan This Month&apos;s Visits…</translation>
    </message>
    <message>
        <source>加入走访计划…</source>
        <translation>Add to Visit Plan…</translation>
    </message>
    <message>
        <source>移出走访计划…</source>
        <translation>Remove from Visit Plan…</translation>
    </message>
    <message>
        <source>走访回访</source>
        <translation>Callbacks</translation>
    </message>
    <message>
        <source>应回访日期 {a} 至 {b}</source>
        <translation>Due {a} to {b}</translation>
    </message>
    <message>
        <source>查找“{text}”</source>
        <translation>Search &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>，向下滚动加载更多</source>
        <translation>; scroll down to load more</translation>
    </message>
    <message>
        <source>共 {n} 条{more}</source>
        <translation>{n} total{more}</translation>
    </message>
    <message>
        <source>今日到期 {today}&#x3000;逾期 {overdue}&#x3000;待回访共 {open}</source>
        <translation>Due today: {today}  Overdue: {overdue}  Pending in total: {open}</translation>
    </message>
    <message>
        <source>{visited}/{households} 户（{share:.1f}%），目标 {target:.0f}%</source>
        <translation>{visited}/{households} households ({share:.1f}%), target {target:.0f}%</translation>
    </message>
    <message>
        <source>还需 {n} 户，每月约 {per} 户</source>
        <translation>{n} more needed, about {per} a month</translation>
    </message>
    <message>
        <source>已达到年度目标</source>
        <translation>Annual target reached</translation>
    </message>
    <message>
        <source>已记录回访</source>
        <translation>Callback recorded</translation>
    </message>
    <message>
        <source>已记录回访；业主不满意，已新建加急回访（{when} 前）</source>
        <translation>Callback recorded; the owner was dissatisfied, so an urgent callback was created (due by {when})</translation>
    </message>
    <message>
        <source>登记意见调查</source>
        <translation>Record Survey</translation>
    </message>
    <message>
        <source>有 {n} 项“不满意”，已生成紧急回访。</source>
        <translation>{n} item(s) rated &quot;Dissatisfied&quot;; urgent callbacks have been created.</translation>
    </message>
    <message>
        <source>取消回访</source>
        <translation>Cancel Callback</translation>
    </message>
    <message>
        <source>取消原因</source>
        <translation>Reason for cancelling</translation>
    </message>
    <message>
        <source>移出走访计划</source>
        <translation>Remove from Visit Plan</translation>
    </message>
    <message>
        <source>移出原因</source>
        <translation>Reason for removal</translation>
    </message>
    <message>
        <source>应回访时间</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>业主/住户</source>
        <translation>Owners/Residents</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>回访原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>回访人</source>
        <translation>Called back by</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>今日到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>（加急）</source>
        <translation> (urgent)</translation>
    </message>
</context>
<context>
    <name>ComplaintActionDialog</name>
    <message>
        <source>{action} — {serial}</source>
        <translation>{action} — {serial}</translation>
    </message>
    <message>
        <source>{serial}  {room}  {category}：{details}</source>
        <translation>{serial}  {room}  {category}: {details}</translation>
    </message>
    <message>
        <source>无效原因</source>
        <translation>Reason invalid</translation>
    </message>
    <message>
        <source>处理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(please choose)</translation>
    </message>
    <message>
        <source>业主满意度</source>
        <translation>Owner satisfaction</translation>
    </message>
    <message>
        <source>处理期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>与业主约定的内容</source>
        <translation>What was agreed with the owner</translation>
    </message>
    <message>
        <source>转交部门</source>
        <translation>Refer to department</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>原因与概述</source>
        <translation>Reason and summary</translation>
    </message>
    <message>
        <source>主管意见</source>
        <translation>Supervisor&apos;s opinion</translation>
    </message>
    <message>
        <source>请填写此项</source>
        <translation>Please fill in this field</translation>
    </message>
    <message>
        <source>请选择业主的满意度</source>
        <translation>Please choose the owner&apos;s satisfaction</translation>
    </message>
    <message>
        <source>请选择部门</source>
        <translation>Please choose a department</translation>
    </message>
    <message>
        <source>处理期限应晚于现在</source>
        <translation>The deadline must be in the future</translation>
    </message>
</context>
<context>
    <name>ComplaintDialog</name>
    <message>
        <source>受理投诉</source>
        <translation>Receive Complaint</translation>
    </message>
    <message>
        <source>房号，如 3-2-1201</source>
        <translation>Room no., e.g. 3-2-1201</translation>
    </message>
    <message>
        <source>从该房屋的人员中选择，或直接输入</source>
        <translation>Choose from the people in this room, or type a name</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(please choose)</translation>
    </message>
    <message>
        <source>（不指明）</source>
        <translation>(not specified)</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>详细记录事实：时间、地点、经过、业主的要求</source>
        <translation>Record the facts in detail: time, place, what happened, the owner&apos;s request</translation>
    </message>
    <message>
        <source>受理方式</source>
        <translation>Received via</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>投诉人</source>
        <translation>Complainant</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>投诉类别</source>
        <translation>Complaint category</translation>
    </message>
    <message>
        <source>被投诉部门</source>
        <translation>Department complained about</translation>
    </message>
    <message>
        <source>被投诉员工</source>
        <translation>Staff member complained about</translation>
    </message>
    <message>
        <source>严重程度</source>
        <translation>Severity</translation>
    </message>
    <message>
        <source>投诉内容</source>
        <translation>Complaint details</translation>
    </message>
    <message>
        <source>添加证据文件…</source>
        <translation>Add Evidence File…</translation>
    </message>
    <message>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>找不到该房号</source>
        <translation>Room no. not found</translation>
    </message>
    <message>
        <source>重复投诉：该房屋近期已有 {n} 条同类投诉</source>
        <translation>Repeat complaint: this room has had {n} similar complaint(s) recently</translation>
    </message>
    <message>
        <source>{serial}  {when}  {state}  {details}</source>
        <translation>{serial}  {when}  {state}  {details}</translation>
    </message>
    <message>
        <source>选择证据文件</source>
        <translation>Choose Evidence File</translation>
    </message>
    <message>
        <source>所有文件 (*)</source>
        <translation>All Files (*)</translation>
    </message>
</context>
<context>
    <name>ComplaintsPanel</name>
    <message>
        <source>编号、房号、投诉人、电话或内容</source>
        <translation>No., room no., complainant, phone or details</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>受理日期</source>
        <translation>Date received</translation>
    </message>
    <message>
        <source>显示完整电话</source>
        <translation>Show full phone numbers</translation>
    </message>
    <message>
        <source>新建投诉…</source>
        <translation>New Complaint…</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>投诉处理</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <source>投诉详情</source>
        <translation>Complaint Details</translation>
    </message>
    <message>
        <source>添加证据…</source>
        <translation>Add Evidence…</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>打印记录单…</source>
        <translation>Print Record Form…</translation>
    </message>
    <message>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>处理经过</source>
        <translation>Handling History</translation>
    </message>
    <message>
        <source>在左侧选择一条投诉，查看处理经过。</source>
        <translation>Select a complaint on the left to see how it was handled.</translation>
    </message>
    <message>
        <source>查找“{text}”</source>
        <translation>Search &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>受理日期 {a} 至 {b}</source>
        <translation>Received {a} to {b}</translation>
    </message>
    <message>
        <source>全部投诉</source>
        <translation>All complaints</translation>
    </message>
    <message>
        <source>全部 {n}</source>
        <translation>All {n}</translation>
    </message>
    <message>
        <source>{label} {n}</source>
        <translation>{label} {n}</translation>
    </message>
    <message>
        <source>，向下滚动加载更多</source>
        <translation>; scroll down to load more</translation>
    </message>
    <message>
        <source>共 {n} 条{more}</source>
        <translation>{n} total{more}</translation>
    </message>
    <message>
        <source>{serial}  {state}</source>
        <translation>{serial}  {state}</translation>
    </message>
    <message>
        <source>{when} {channel}受理 · {room} · {who} {contact}</source>
        <translation>{when} received via {channel} · {room} · {who} {contact}</translation>
    </message>
    <message>
        <source>类别：{category} · 被投诉：{dept} {staff} · {severity}</source>
        <translation>Category: {category} · Against: {dept} {staff} · {severity}</translation>
    </message>
    <message>
        <source>处理期限：{when}（{who} 批准）</source>
        <translation>Deadline: {when} (approved by {who})</translation>
    </message>
    <message>
        <source>处理结果：{result}（{sat}）</source>
        <translation>Result: {result} ({sat})</translation>
    </message>
    <message>
        <source>无效原因：{reason}</source>
        <translation>Reason invalid: {reason}</translation>
    </message>
    <message>
        <source>重复投诉（前次 {serial}）</source>
        <translation>Repeat complaint (previous: {serial})</translation>
    </message>
    <message>
        <source>严重投诉：待致歉</source>
        <translation>Serious complaint: apology pending</translation>
    </message>
    <message>
        <source>已超过处理期限</source>
        <translation>Past the deadline</translation>
    </message>
    <message>
        <source>选择证据文件</source>
        <translation>Choose Evidence File</translation>
    </message>
    <message>
        <source>所有文件 (*)</source>
        <translation>All Files (*)</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>受理时间</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>投诉人</source>
        <translation>Complainant</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>被投诉部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>处理期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>重复</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>添加时间</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
</context>
<context>
    <name>CountDialog</name>
    <message>
        <source>盘点 — {name}</source>
        <translation>Cabinet Count — {name}</translation>
    </message>
    <message>
        <source>%v / %m 个钩位</source>
        <translation>%v / %m hooks</translation>
    </message>
    <message>
        <source>上一个（Backspace）</source>
        <translation>Previous (Backspace)</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>On record</translation>
    </message>
    <message>
        <source>应在柜</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>核对</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>键盘：Y 或 空格 = 在位/有钥匙，N = 缺失/无钥匙，Backspace = 上一个，Esc = 放弃</source>
        <translation>Keyboard: Y or Space = present/key here, N = missing/no key, Backspace = previous, Esc = abandon</translation>
    </message>
    <message>
        <source>备注（选填）</source>
        <translation>Notes (optional)</translation>
    </message>
    <message>
        <source>保存盘点结果（Enter）</source>
        <translation>Save Count (Enter)</translation>
    </message>
    <message>
        <source>返回修改</source>
        <translation>Go Back and Change</translation>
    </message>
    <message>
        <source>钥匙</source>
        <translation>Key</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>空钩</source>
        <translation>Empty hook</translation>
    </message>
    <message>
        <source>{number}（{state}）</source>
        <translation>{number} ({state})</translation>
    </message>
    <message>
        <source>这个钥匙柜没有钩位。</source>
        <translation>This cabinet has no hooks.</translation>
    </message>
    <message>
        <source>应挂：{number}
{room}&#x3000;{kind}&#x3000;{n} 把</source>
        <translation>Should hold: {number}
{room}  {kind}  {n} key(s)</translation>
    </message>
    <message>
        <source>在位（Y）</source>
        <translation>Present (Y)</translation>
    </message>
    <message>
        <source>缺失（N）</source>
        <translation>Missing (N)</translation>
    </message>
    <message>
        <source>空钩：应无钥匙</source>
        <translation>Empty hook: no key expected</translation>
    </message>
    <message>
        <source>{number} 借出中（{holder}，应还 {due}）：应无钥匙</source>
        <translation>{number} is on loan ({holder}, due back {due}): no key expected</translation>
    </message>
    <message>
        <source>{number} 记录为“{state}”：应无钥匙</source>
        <translation>{number} is recorded as &quot;{state}&quot;: no key expected</translation>
    </message>
    <message>
        <source>有钥匙（Y）</source>
        <translation>Key Here (Y)</translation>
    </message>
    <message>
        <source>无钥匙（N）</source>
        <translation>No Key (N)</translation>
    </message>
    <message>
        <source>在位</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>缺失</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>账外有钥匙</source>
        <translation>Key not on record</translation>
    </message>
    <message>
        <source>空</source>
        <translation>Empty</translation>
    </message>
    <message>
        <source>{name}：{hooks} 个钩位已全部核对。
应在柜 {expected} 把，在位 {present} 把，缺失 {missing} 把，账外 {unexpected} 把。</source>
        <translation>{name}: all {hooks} hooks checked.
Expected {expected}, present {present}, missing {missing}, not on record {unexpected}.</translation>
    </message>
    <message>
        <source>缺失：{hook}&#x3000;{number}（{room}）</source>
        <translation>Missing: {hook}  {number} ({room})</translation>
    </message>
    <message>
        <source>账外有钥匙：{hook}&#x3000;{record}</source>
        <translation>Key not on record: {hook}  {record}</translation>
    </message>
    <message>
        <source>盘点已保存：应在柜 {expected} 把，在位 {present} 把，缺失 {missing} 把，账外 {unexpected} 把。</source>
        <translation>Count saved: expected {expected}, present {present}, missing {missing}, not on record {unexpected}.</translation>
    </message>
    <message>
        <source>
账物相符。</source>
        <translation>
The cabinet matches the records.</translation>
    </message>
    <message>
        <source>按遗失上报</source>
        <translation>Report as Lost</translation>
    </message>
    <message>
        <source>已上报</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>盘点</source>
        <translation>Cabinet Count</translation>
    </message>
    <message>
        <source>放弃本次盘点？已核对的钩位不会保存。</source>
        <translation>Abandon this count? The hooks checked so far will not be saved.</translation>
    </message>
</context>
<context>
    <name>DepositDialog</name>
    <message>
        <source>业主托存钥匙</source>
        <translation>Owner Key Deposit</translation>
    </message>
    <message>
        <source>房号如 3-2-1201</source>
        <translation>Room no., e.g. 3-2-1201</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>从该房屋的业主中选择，或输入姓名</source>
        <translation>Choose one of this room&apos;s owners, or type a name</translation>
    </message>
    <message>
        <source>业主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>18位身份证号码：交还时凭此核对</source>
        <translation>18-digit ID card number: checked when the key is given back</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID card no.</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source> 把</source>
        <translation> key(s)</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>留空则编为 房号-T</source>
        <translation>Leave blank to use the room no. plus &quot;-T&quot;</translation>
    </message>
    <message>
        <source>钥匙编号</source>
        <translation>Key no.</translation>
    </message>
    <message>
        <source>如 出差期间托管、便于装修进场</source>
        <translation>e.g. kept while away on business, access for decorators</translation>
    </message>
    <message>
        <source>托存原因</source>
        <translation>Reason for deposit</translation>
    </message>
    <message>
        <source>代领人姓名</source>
        <translation>Authorized person</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>添加代领人</source>
        <translation>Add Authorized Person</translation>
    </message>
    <message>
        <source>删除末行</source>
        <translation>Delete Last Row</translation>
    </message>
    <message>
        <source>业主指定的代领人凭本人身份证领取，过期不能领取。</source>
        <translation>People the owner authorizes collect the key with their own ID card, and not after the expiry date.</translation>
    </message>
    <message>
        <source>可代领人</source>
        <translation>Authorized to collect</translation>
    </message>
    <message>
        <source>《业主托存/移交钥匙登记表》</source>
        <translation>Owner Key Deposit/Handover Register</translation>
    </message>
    <message>
        <source>{name}（身份证 {id}）</source>
        <translation>{name} (ID card {id})</translation>
    </message>
    <message>
        <source>未登记</source>
        <translation>not on file</translation>
    </message>
    <message>
        <source>找不到该房号</source>
        <translation>Room no. not found</translation>
    </message>
    <message>
        <source>请填写房号</source>
        <translation>Please enter the room no.</translation>
    </message>
    <message>
        <source>请填写托存钥匙的业主姓名</source>
        <translation>Please enter the name of the owner depositing the key</translation>
    </message>
    <message>
        <source>请填写身份证号码：托存钥匙凭身份证交还</source>
        <translation>Please enter the ID card number: a deposited key is only given back against the ID card</translation>
    </message>
    <message>
        <source>请选择钩位</source>
        <translation>Please choose a hook</translation>
    </message>
    <message>
        <source>第{i}位代领人请填写姓名</source>
        <translation>Authorized person {i}: please enter the name</translation>
    </message>
    <message>
        <source>第{i}位代领人请填写身份证号码</source>
        <translation>Authorized person {i}: please enter the ID card number</translation>
    </message>
    <message>
        <source>第{i}位代领人：{problem}</source>
        <translation>Authorized person {i}: {problem}</translation>
    </message>
    <message>
        <source>第{i}位代领人的有效期已过</source>
        <translation>Authorized person {i}: the valid-until date has passed</translation>
    </message>
</context>
<context>
    <name>ExportButtons</name>
    <message>
        <source>导出 Excel…</source>
        <translation>Export Excel…</translation>
    </message>
    <message>
        <source>导出 PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel Workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF Files (*.pdf)</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>已导出 {n} 行到 {path}</source>
        <translation>Exported {n} rows to {path}</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
</context>
<context>
    <name>FormDialog</name>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>GiveBackDialog</name>
    <message>
        <source>托存钥匙交还</source>
        <translation>Give Back Deposited Key</translation>
    </message>
    <message>
        <source>扫描登记表二维码，或输入单号 TC-…、房号，回车查找</source>
        <translation>Scan the register&apos;s QR code, or type its number TC-… or a room no., and press Enter</translation>
    </message>
    <message>
        <source>托存登记</source>
        <translation>Deposit record</translation>
    </message>
    <message>
        <source>选择登记</source>
        <translation>Choose record</translation>
    </message>
    <message>
        <source>业主本人或登记的代领人</source>
        <translation>The owner in person or a registered authorized person</translation>
    </message>
    <message>
        <source>领取人</source>
        <translation>Collected by</translation>
    </message>
    <message>
        <source>照领取人身份证输入完整号码</source>
        <translation>Type the full number from the collector&apos;s ID card</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID card no.</translation>
    </message>
    <message>
        <source>无任何证件证明的索匙者不得领取钥匙。</source>
        <translation>No key is given to anyone who cannot show ID.</translation>
    </message>
    <message>
        <source>交还后的《业主托存/移交钥匙登记表》</source>
        <translation>updated Owner Key Deposit/Handover Register</translation>
    </message>
    <message>
        <source>找不到“{text}”的托存中的钥匙</source>
        <translation>No deposited key found for &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>{serial} {room} {owner}（{key}）</source>
        <translation>{serial} {room} {owner} ({key})</translation>
    </message>
    <message>
        <source>{serial}&#x3000;{room}&#x3000;{key} × {n} 把&#x3000;托存于 {at}</source>
        <translation>{serial}  {room}  {key} × {n}  deposited {at}</translation>
    </message>
    <message>
        <source>业主：{name}&#x3000;身份证：{id}</source>
        <translation>Owner: {name}  ID card: {id}</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>代领人：{name}&#x3000;身份证：{id}&#x3000;有效期至 {until}（{state}）</source>
        <translation>Authorized person: {name}  ID card: {id}  valid until {until} ({state})</translation>
    </message>
    <message>
        <source>已于 {at} 交还 {who}</source>
        <translation>Given back to {who} on {at}</translation>
    </message>
    <message>
        <source>请扫描或输入托存登记单号、房号</source>
        <translation>Please scan or type the deposit record number or a room no.</translation>
    </message>
    <message>
        <source>托存登记 {serial} 的钥匙已交还</source>
        <translation>The key of deposit record {serial} has already been given back</translation>
    </message>
    <message>
        <source>请填写领取人姓名</source>
        <translation>Please enter the collector&apos;s name</translation>
    </message>
    <message>
        <source>无任何证件证明的索匙者不得领取钥匙：请出示身份证</source>
        <translation>No ID, no key: please show an ID card</translation>
    </message>
</context>
<context>
    <name>GridLegend</name>
    <message>
        <source>{state} {n}</source>
        <translation>{state} {n}</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <source>钥匙交付业主</source>
        <translation>Hand Over Keys to Owner</translation>
    </message>
    <message>
        <source>交付类别</source>
        <translation>Handover type</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>领取业主</source>
        <translation>Receiving owner</translation>
    </message>
    <message>
        <source>交付钥匙</source>
        <translation>Keys to hand over</translation>
    </message>
    <message>
        <source>登记装修手续…</source>
        <translation>Record Decoration Permit…</translation>
    </message>
    <message>
        <source>装修手续</source>
        <translation>Decoration permit</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>《业主托存/移交钥匙登记表》</source>
        <translation>Owner Key Deposit/Handover Register</translation>
    </message>
    <message>
        <source>（请选择业主）</source>
        <translation>(please choose an owner)</translation>
    </message>
    <message>
        <source>{name}（{phone}）</source>
        <translation>{name} ({phone})</translation>
    </message>
    <message>
        <source>{number}&#x3000;{kind}&#x3000;{n} 把&#x3000;{hook}&#x3000;{state}</source>
        <translation>{number}  {kind}  {n} key(s)  {hook}  {state}</translation>
    </message>
    <message>
        <source>费用已交清（收据 {receipt}，{on}）</source>
        <translation>Fees paid (receipt {receipt}, {on})</translation>
    </message>
    <message>
        <source>费用未交清</source>
        <translation>Fees not paid</translation>
    </message>
    <message>
        <source>装修许可证 {no}（{issued} 办理），{paid}</source>
        <translation>Decoration permit {no} (issued {issued}); {paid}</translation>
    </message>
    <message>
        <source>尚未登记装修手续</source>
        <translation>No decoration permit recorded yet</translation>
    </message>
    <message>
        <source>请先填写房号</source>
        <translation>Please enter the room no. first</translation>
    </message>
    <message>
        <source>找不到该房号</source>
        <translation>Room no. not found</translation>
    </message>
    <message>
        <source>请填写房号</source>
        <translation>Please enter the room no.</translation>
    </message>
    <message>
        <source>请选择领取钥匙的业主</source>
        <translation>Please choose the owner receiving the keys</translation>
    </message>
    <message>
        <source>该房屋没有登记业主：请先在“房屋”中登记</source>
        <translation>No owner is registered for this room: register one under &quot;Rooms &amp; Owners&quot; first</translation>
    </message>
    <message>
        <source>该房屋没有可交付的钥匙（{kind}）</source>
        <translation>This room has no keys to hand over ({kind})</translation>
    </message>
    <message>
        <source>请勾选交付的钥匙</source>
        <translation>Please tick the keys to hand over</translation>
    </message>
</context>
<context>
    <name>HookDelegate</name>
    <message>
        <source>空钩</source>
        <translation>Empty hook</translation>
    </message>
</context>
<context>
    <name>HookPickerDialog</name>
    <message>
        <source>换钩位</source>
        <translation>Move to Another Hook</translation>
    </message>
    <message>
        <source>{number}&#x3000;现在：{hook}</source>
        <translation>{number}  now on: {hook}</translation>
    </message>
    <message>
        <source>钥匙柜</source>
        <translation>Key cabinet</translation>
    </message>
    <message>
        <source>新钩位</source>
        <translation>New hook</translation>
    </message>
    <message>
        <source>这个钥匙柜没有空钩位</source>
        <translation>This cabinet has no empty hooks</translation>
    </message>
</context>
<context>
    <name>IncidentDialog</name>
    <message>
        <source>遗失/损坏处理</source>
        <translation>Handle Lost/Damaged Key</translation>
    </message>
    <message>
        <source>找不到这条遗失/损坏记录</source>
        <translation>This lost/damaged record cannot be found</translation>
    </message>
    <message>
        <source>遗失/损坏处理 — {number}</source>
        <translation>Handle Lost/Damaged Key — {number}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{number}&lt;/b&gt;&#x3000;{room}&#x3000;{kind} {n} 把（{source}）&#x3000;&lt;b&gt;{state}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{number}&lt;/b&gt;  {room}  {kind}: {n} key(s) ({source})  &lt;b&gt;{state}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>{at} {who} 报告：{what}</source>
        <translation>{at} reported by {who}: {what}</translation>
    </message>
    <message>
        <source>借领单：{serial}</source>
        <translation>Loan slip: {serial}</translation>
    </message>
    <message>
        <source>{at} 联系业主 {owner}：{agreed}{note}</source>
        <translation>{at} owner {owner} contacted: {agreed}{note}</translation>
    </message>
    <message>
        <source>同意处理</source>
        <translation>agreed</translation>
    </message>
    <message>
        <source>不同意处理</source>
        <translation>did not agree</translation>
    </message>
    <message>
        <source>{at} {who} 处理：{remedy} {outcome}</source>
        <translation>{at} handled by {who}: {remedy} {outcome}</translation>
    </message>
    <message>
        <source>只有客服主管可以审批：联系业主、补配钥匙或换锁。此处只能查看。</source>
        <translation>Only a supervisor can approve: contact the owner, cut a new key or change the lock. You can only view it here.</translation>
    </message>
    <message>
        <source>记录业主意见</source>
        <translation>Record Owner&apos;s Response</translation>
    </message>
    <message>
        <source>审批并处理</source>
        <translation>Approve and Carry Out</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>联系的业主</source>
        <translation>Owner contacted</translation>
    </message>
    <message>
        <source>业主同意处理（补配钥匙或换锁）</source>
        <translation>Owner agrees (new key or lock change)</translation>
    </message>
    <message>
        <source>业主不同意处理</source>
        <translation>Owner does not agree</translation>
    </message>
    <message>
        <source>业主意见</source>
        <translation>Owner&apos;s response</translation>
    </message>
    <message>
        <source>业主不同意时必填：处理结果</source>
        <translation>Required if the owner does not agree: the outcome</translation>
    </message>
    <message>
        <source>说明/处理结果</source>
        <translation>Notes/outcome</translation>
    </message>
    <message>
        <source>处理方式</source>
        <translation>Remedy</translation>
    </message>
    <message>
        <source> 把</source>
        <translation> key(s)</translation>
    </message>
    <message>
        <source>补配数量</source>
        <translation>Keys to cut</translation>
    </message>
    <message>
        <source>钥匙编号</source>
        <translation>Key no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>将作废</source>
        <translation>To be retired</translation>
    </message>
    <message>
        <source>新钥匙编号</source>
        <translation>New key no.</translation>
    </message>
    <message>
        <source>选填，如 已为业主补配两把</source>
        <translation>Optional, e.g. two new keys cut for the owner</translation>
    </message>
    <message>
        <source>添加新钥匙</source>
        <translation>Add New Key</translation>
    </message>
    <message>
        <source>新锁钥匙</source>
        <translation>Keys of the new lock</translation>
    </message>
    <message>
        <source>处理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>原钥匙的钩位</source>
        <translation>Old key&apos;s hook</translation>
    </message>
    <message>
        <source>审批：换锁</source>
        <translation>Approve: Change Lock</translation>
    </message>
    <message>
        <source>审批：补配钥匙</source>
        <translation>Approve: Cut New Key</translation>
    </message>
    <message>
        <source>请填写联系的业主姓名</source>
        <translation>Please enter the name of the owner contacted</translation>
    </message>
    <message>
        <source>业主不同意处理时请记录处理结果</source>
        <translation>If the owner does not agree, please record the outcome</translation>
    </message>
    <message>
        <source>请登记新锁的钥匙</source>
        <translation>Please enter the keys of the new lock</translation>
    </message>
    <message>
        <source>请填写新钥匙编号</source>
        <translation>Please enter the new key no.</translation>
    </message>
    <message>
        <source>新钥匙编号重复</source>
        <translation>A new key no. appears twice</translation>
    </message>
</context>
<context>
    <name>KeyCardDialog</name>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>门锁</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>借用人</source>
        <translation>Borrower</translation>
    </message>
    <message>
        <source>应还时间</source>
        <translation>Due back</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>业主托存</source>
        <translation>Owner Deposit</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>状态变化</source>
        <translation>Status change</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>单号</source>
        <translation>Slip no.</translation>
    </message>
    <message>
        <source>报告时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Remedy</translation>
    </message>
    <message>
        <source>经过/结果</source>
        <translation>Details/outcome</translation>
    </message>
    <message>
        <source>借出…</source>
        <translation>Lend…</translation>
    </message>
    <message>
        <source>归还…</source>
        <translation>Return…</translation>
    </message>
    <message>
        <source>催还…</source>
        <translation>Chase…</translation>
    </message>
    <message>
        <source>交付业主…</source>
        <translation>Hand Over to Owner…</translation>
    </message>
    <message>
        <source>托存交还…</source>
        <translation>Give Back Deposit…</translation>
    </message>
    <message>
        <source>报告遗失/损坏…</source>
        <translation>Report Lost/Damaged…</translation>
    </message>
    <message>
        <source>处理遗失/损坏…</source>
        <translation>Handle Lost/Damaged…</translation>
    </message>
    <message>
        <source>换钩位…</source>
        <translation>Move Hook…</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>钥匙 {number}</source>
        <translation>Key {number}</translation>
    </message>
    <message>
        <source>{n} 把</source>
        <translation>{n} key(s)</translation>
    </message>
    <message>
        <source>（未注明）</source>
        <translation>(not specified)</translation>
    </message>
    <message>
        <source>{door}，第 {n} 代锁</source>
        <translation>{door}, lock #{n}</translation>
    </message>
    <message>
        <source>{due}（已逾期）</source>
        <translation>{due} (overdue)</translation>
    </message>
    <message>
        <source>借领单 {serial}</source>
        <translation>Loan slip {serial}</translation>
    </message>
    <message>
        <source>验收单 {serial}</source>
        <translation>Acceptance record {serial}</translation>
    </message>
    <message>
        <source>托存登记 {serial}</source>
        <translation>Deposit record {serial}</translation>
    </message>
    <message>
        <source>履历（{n}）</source>
        <translation>History ({n})</translation>
    </message>
    <message>
        <source>遗失/损坏（{n}）</source>
        <translation>Lost/Damaged ({n})</translation>
    </message>
    <message>
        <source>{serial}（{state}）&#x3000;业主：{owner}&#x3000;身份证：{id}&#x3000;电话：{phone}</source>
        <translation>{serial} ({state})  Owner: {owner}  ID card: {id}  Phone: {phone}</translation>
    </message>
    <message>
        <source>托存时间：{at}&#x3000;原因：{reason}</source>
        <translation>Deposited: {at}  Reason: {reason}</translation>
    </message>
    <message>
        <source>代领人：{name}&#x3000;身份证：{id}&#x3000;有效期至 {until}</source>
        <translation>Authorized person: {name}  ID card: {id}  valid until {until}</translation>
    </message>
    <message>
        <source>已于 {at} 交还 {who}</source>
        <translation>Given back to {who} on {at}</translation>
    </message>
    <message>
        <source>{title} {serial}</source>
        <translation>{title} {serial}</translation>
    </message>
</context>
<context>
    <name>KeysPanel</name>
    <message>
        <source>房号 / 钥匙编号 / 扫描单据二维码</source>
        <translation>Room no. / key no. / scan a slip&apos;s QR code</translation>
    </message>
    <message>
        <source>输入房号或钥匙编号，或扫描借领单、托存单、验收单、交付单的二维码，找到的钩位加粗框出；再按 Enter 打开钥匙</source>
        <translation>Type a room no. or key no., or scan the QR code of a loan, deposit, acceptance or handover slip; the hooks found are outlined in bold. Press Enter again to open the key</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>钥匙柜：</source>
        <translation>Cabinet:</translation>
    </message>
    <message>
        <source>借出…</source>
        <translation>Lend…</translation>
    </message>
    <message>
        <source>填写《钥匙借领确认单》（Ctrl+L）</source>
        <translation>Fill in the Key Loan Confirmation (Ctrl+L)</translation>
    </message>
    <message>
        <source>归还…</source>
        <translation>Return…</translation>
    </message>
    <message>
        <source>清点归还的钥匙，挂回原钩位</source>
        <translation>Count the returned keys and hang them back on their hooks</translation>
    </message>
    <message>
        <source>钥匙验收…</source>
        <translation>Key Acceptance…</translation>
    </message>
    <message>
        <source>施工单位移交钥匙：逐把清点、试开、编号挂钩，打印《钥匙验收记录表》</source>
        <translation>Keys handed over by a contractor: count and try each one, number it and hang it, print the Key Acceptance Record</translation>
    </message>
    <message>
        <source>业主托存…</source>
        <translation>Owner Deposit…</translation>
    </message>
    <message>
        <source>登记业主托存的钥匙，打印《业主托存/移交钥匙登记表》</source>
        <translation>Record a key deposited by an owner and print the Owner Key Deposit/Handover Register</translation>
    </message>
    <message>
        <source>托存交还…</source>
        <translation>Give Back Deposit…</translation>
    </message>
    <message>
        <source>凭业主或受托人身份证交还托存钥匙</source>
        <translation>Give a deposited key back against the ID card of the owner or an authorized person</translation>
    </message>
    <message>
        <source>收房交付…</source>
        <translation>Move-in Handover…</translation>
    </message>
    <message>
        <source>收房时把第一把装修钥匙和正式钥匙交给业主</source>
        <translation>At move-in, hand the first decoration key and the official keys to the owner</translation>
    </message>
    <message>
        <source>盘点…</source>
        <translation>Cabinet Count…</translation>
    </message>
    <message>
        <source>逐个钩位核对钥匙是否在位</source>
        <translation>Check hook by hook whether each key is there</translation>
    </message>
    <message>
        <source>标签检查…</source>
        <translation>Label Check…</translation>
    </message>
    <message>
        <source>记录本柜哪些钩位标签已检查或已更换</source>
        <translation>Record which hook labels of this cabinet were checked or replaced</translation>
    </message>
    <message>
        <source>归档旧记录…</source>
        <translation>Archive Old Records…</translation>
    </message>
    <message>
        <source>钥匙记录至少保存两年：把更早且已结束的记录导出到 Excel 后移出（仅客服主管）</source>
        <translation>Key records are kept at least two years: export older, closed records to Excel, then remove them (supervisor only)</translation>
    </message>
    <message>
        <source>设置钥匙柜…</source>
        <translation>Set Up Cabinets…</translation>
    </message>
    <message>
        <source>新建或修改钥匙柜（名称、行列、钩位标签），按房屋批量登记钥匙</source>
        <translation>Create or change a cabinet (name, rows and columns, hook labels); register keys for many rooms at once</translation>
    </message>
    <message>
        <source>钥匙柜</source>
        <translation>Cabinet</translation>
    </message>
    <message>
        <source>钥匙登记簿</source>
        <translation>Key Register</translation>
    </message>
    <message>
        <source>借出与逾期</source>
        <translation>Loans and Overdue</translation>
    </message>
    <message>
        <source>遗失/损坏</source>
        <translation>Lost/Damaged</translation>
    </message>
    <message>
        <source>盘点记录</source>
        <translation>Cabinet Counts</translation>
    </message>
    <message>
        <source>还没有钥匙柜。请主管或系统管理员点“设置钥匙柜…”，按实物填写行数、列数和钩位标签。</source>
        <translation>No key cabinet yet. A supervisor or the administrator should click &quot;Set Up Cabinets…&quot; and enter the rows, columns and hook labels as on the real cabinet.</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>房号（3-2 即整个单元）</source>
        <translation>Room no. (3-2 = the whole unit)</translation>
    </message>
    <message>
        <source>借用人或单位</source>
        <translation>Borrower or company</translation>
    </message>
    <message>
        <source>全部钥匙柜</source>
        <translation>All cabinets</translation>
    </message>
    <message>
        <source>催还…</source>
        <translation>Chase…</translation>
    </message>
    <message>
        <source>记录一次催还（电话、上门或短信）</source>
        <translation>Record a reminder (phone, visit or text message)</translation>
    </message>
    <message>
        <source>当日借出的钥匙下班前未还、施工单位借出超过借期的，列在上方；红色为已逾期。</source>
        <translation>Same-day loans not back by closing time and contractor loans past their loan period are listed at the top; red means overdue.</translation>
    </message>
    <message>
        <source>包括已处理</source>
        <translation>Include resolved</translation>
    </message>
    <message>
        <source>处理…</source>
        <translation>Handle…</translation>
    </message>
    <message>
        <source>记录业主意见，主管批准补配钥匙或换锁</source>
        <translation>Record the owner&apos;s response; the supervisor approves a new key or a lock change</translation>
    </message>
    <message>
        <source>按遗失上报…</source>
        <translation>Report as Lost…</translation>
    </message>
    <message>
        <source>盘点缺失的钥匙报告主管，开始遗失处理</source>
        <translation>Report a key the count found missing to the supervisor and start the lost-key procedure</translation>
    </message>
    <message>
        <source>{name}（在柜 {i} · 借出 {o}）</source>
        <translation>{name} ({i} in · {o} out)</translation>
    </message>
    <message>
        <source>{name}：{rows} 行 × {cols} 列，{hooks} 个钩位，挂有钥匙 {keys} 把</source>
        <translation>{name}: {rows} rows × {cols} columns, {hooks} hooks, {keys} key(s) hanging</translation>
    </message>
    <message>
        <source>借出与逾期（逾期 {n}）</source>
        <translation>Loans and Overdue ({n} overdue)</translation>
    </message>
    <message>
        <source>房号 {room}</source>
        <translation>Room {room}</translation>
    </message>
    <message>
        <source>借用人“{who}”</source>
        <translation>Borrower &quot;{who}&quot;</translation>
    </message>
    <message>
        <source>全部钥匙（不含作废）</source>
        <translation>All keys (excluding retired)</translation>
    </message>
    <message>
        <source>（只显示前 {n} 把，请缩小范围）</source>
        <translation> (only the first {n} shown; narrow the filters)</translation>
    </message>
    <message>
        <source>，其中逾期 {n} 把（红色）</source>
        <translation>, {n} overdue (red)</translation>
    </message>
    <message>
        <source>共 {n} 把{late}{more}</source>
        <translation>{n} key(s){late}{more}</translation>
    </message>
    <message>
        <source>应催还 {n} 张（已逾期 {late} 张）</source>
        <translation>To chase: {n} loan(s) ({late} overdue)</translation>
    </message>
    <message>
        <source>应催还：没有到期未还的钥匙</source>
        <translation>To chase: no keys past due</translation>
    </message>
    <message>
        <source>全部借出中的借领单 {n} 张</source>
        <translation>All open loans: {n}</translation>
    </message>
    <message>
        <source>待处理 {n} 起</source>
        <translation>{n} open</translation>
    </message>
    <message>
        <source>共 {n} 起</source>
        <translation>{n} in all</translation>
    </message>
    <message>
        <source>{name} 还没有盘点过</source>
        <translation>{name} has never been counted</translation>
    </message>
    <message>
        <source>{name} {when} 盘点：账实相符</source>
        <translation>{name} counted {when}: matches the records</translation>
    </message>
    <message>
        <source>{name} {when} 盘点：缺失 {m} 把，账外在位 {u} 把</source>
        <translation>{name} counted {when}: {m} missing, {u} present but not on record</translation>
    </message>
    <message>
        <source>没有找到“{text}”：请核对房号、钥匙编号或单据编号</source>
        <translation>Nothing found for &quot;{text}&quot;: check the room no., key no. or slip number</translation>
    </message>
    <message>
        <source>{what}：{n} 把钥匙都已不在柜中（已交付或作废），按 Enter 查看</source>
        <translation>{what}: all {n} key(s) have left the cabinet (handed over or retired); press Enter to view</translation>
    </message>
    <message>
        <source>{what}：{n} 把，已框出</source>
        <translation>{what}: {n} keys, outlined</translation>
    </message>
    <message>
        <source>{what}：已框出</source>
        <translation>{what}: outlined</translation>
    </message>
    <message>
        <source>；另有 {n} 把在其他钥匙柜</source>
        <translation>; {n} more in other cabinets</translation>
    </message>
    <message>
        <source>；{n} 把已不在柜中</source>
        <translation>; {n} no longer in a cabinet</translation>
    </message>
    <message>
        <source>（Enter 打开）</source>
        <translation> (Enter opens)</translation>
    </message>
    <message>
        <source>钥匙 {ref}</source>
        <translation>Key {ref}</translation>
    </message>
    <message>
        <source>房号 {ref} 的钥匙</source>
        <translation>Keys of room {ref}</translation>
    </message>
    <message>
        <source>借领单 {ref}</source>
        <translation>Loan slip {ref}</translation>
    </message>
    <message>
        <source>托存单 {ref}</source>
        <translation>Deposit slip {ref}</translation>
    </message>
    <message>
        <source>验收单 {ref}</source>
        <translation>Acceptance record {ref}</translation>
    </message>
    <message>
        <source>交付单 {ref}</source>
        <translation>Handover slip {ref}</translation>
    </message>
    <message>
        <source>按遗失上报</source>
        <translation>Report as Lost</translation>
    </message>
    <message>
        <source>盘点时钩位 {hook} 上的钥匙 {number}（{room}）不在。报告主管按遗失处理？</source>
        <translation>Key {number} ({room}) was not on hook {hook} at the count. Report it to the supervisor as lost?</translation>
    </message>
    <message>
        <source>点一个钩位打开钥匙；方向键移动，Enter 打开。</source>
        <translation>Click a hook to open its key; arrow keys move, Enter opens.</translation>
    </message>
    <message>
        <source>打开钥匙…</source>
        <translation>Open Key…</translation>
    </message>
    <message>
        <source>标签已检查</source>
        <translation>Mark Label Checked</translation>
    </message>
    <message>
        <source>标签已更换</source>
        <translation>Mark Label Replaced</translation>
    </message>
    <message>
        <source>钥匙编号</source>
        <translation>Key no.</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>借用人</source>
        <translation>Borrower</translation>
    </message>
    <message>
        <source>应还时间</source>
        <translation>Due back</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>借领单号</source>
        <translation>Loan slip</translation>
    </message>
    <message>
        <source>借匙人</source>
        <translation>Borrower</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>钥匙</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>借出时间</source>
        <translation>Lent</translation>
    </message>
    <message>
        <source>已催还</source>
        <translation>Chased</translation>
    </message>
    <message>
        <source>{n} 次</source>
        <translation>{n}×</translation>
    </message>
    <message>
        <source>最近催还</source>
        <translation>Last chased</translation>
    </message>
    <message>
        <source>事由</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>报告时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Remedy</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>最近盘点</source>
        <translation>Last count</translation>
    </message>
    <message>
        <source>未盘点</source>
        <translation>Not counted</translation>
    </message>
    <message>
        <source>盘点人</source>
        <translation>Counted by</translation>
    </message>
    <message>
        <source>应在柜</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>在位</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>缺失</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>账外在位</source>
        <translation>Not on record</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>遗失处理</source>
        <translation>Lost-key procedure</translation>
    </message>
    <message>
        <source>已上报</source>
        <translation>Reported</translation>
    </message>
</context>
<context>
    <name>LabelCheckDialog</name>
    <message>
        <source>标签检查 — {name}</source>
        <translation>Label Check — {name}</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>钥匙</source>
        <translation>Key</translation>
    </message>
    <message>
        <source>上次检查</source>
        <translation>Last checked</translation>
    </message>
    <message>
        <source>已检查</source>
        <translation>Checked</translation>
    </message>
    <message>
        <source>已更换</source>
        <translation>Replaced</translation>
    </message>
    <message>
        <source>空钩</source>
        <translation>Empty hook</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>所选标为已检查（空格）</source>
        <translation>Mark Selected as Checked (Space)</translation>
    </message>
    <message>
        <source>全部标为已检查</source>
        <translation>Mark All as Checked</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>逐个核对钩位标签；字迹模糊的更换后勾选“已更换”。</source>
        <translation>Check the hook labels one by one; replace faded ones and tick &quot;Replaced&quot;.</translation>
    </message>
    <message>
        <source>请勾选已检查的钩位</source>
        <translation>Please tick the hooks you checked</translation>
    </message>
</context>
<context>
    <name>LoanDialog</name>
    <message>
        <source>借出钥匙 — 钥匙借领确认单</source>
        <translation>Lend Keys — Key Loan Confirmation</translation>
    </message>
    <message>
        <source>借匙人类别</source>
        <translation>Borrower type</translation>
    </message>
    <message>
        <source>核对工作证上的号码</source>
        <translation>Check the number on the work ID</translation>
    </message>
    <message>
        <source>工作证号</source>
        <translation>Work ID no.</translation>
    </message>
    <message>
        <source>选择或输入施工单位</source>
        <translation>Choose or type a contractor</translation>
    </message>
    <message>
        <source>施工单位</source>
        <translation>Contractor</translation>
    </message>
    <message>
        <source>施工人员的工作证/出入证号</source>
        <translation>The worker&apos;s work ID or site pass number</translation>
    </message>
    <message>
        <source>工作证/出入证号</source>
        <translation>Work ID/pass no.</translation>
    </message>
    <message>
        <source>借匙人姓名</source>
        <translation>Borrower&apos;s name</translation>
    </message>
    <message>
        <source>业主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>如 维修水管、带客户看房、进场施工</source>
        <translation>e.g. pipe repair, showing a buyer round, starting work on site</translation>
    </message>
    <message>
        <source>借用事由</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>（无需陪同）</source>
        <translation>(no escort needed)</translation>
    </message>
    <message>
        <source>{name}（{work_id}）</source>
        <translation>{name} ({work_id})</translation>
    </message>
    <message>
        <source>工程部陪同</source>
        <translation>Engineering escort</translation>
    </message>
    <message>
        <source>输入或扫描钥匙编号、房号，回车加入</source>
        <translation>Type or scan a key no. or room no. and press Enter to add it</translation>
    </message>
    <message>
        <source>移除所选</source>
        <translation>Remove Selected</translation>
    </message>
    <message>
        <source>钥匙编号</source>
        <translation>Key no.</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>钩位</source>
        <translation>Hook</translation>
    </message>
    <message>
        <source>借出数量</source>
        <translation>Copies lent</translation>
    </message>
    <message>
        <source>钥匙</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>应还时间</source>
        <translation>Due back</translation>
    </message>
    <message>
        <source>《钥匙借领确认单》</source>
        <translation>Key Loan Confirmation</translation>
    </message>
    <message>
        <source>留空则用员工登记的电话</source>
        <translation>Leave blank to use the phone on the staff record</translation>
    </message>
    <message>
        <source>借出后 {n} 天</source>
        <translation>{n} day(s) after lending</translation>
    </message>
    <message>
        <source>当日下班前归还</source>
        <translation>Back by closing time today</translation>
    </message>
    <message>
        <source>{due}（{how}）</source>
        <translation>{due} ({how})</translation>
    </message>
    <message>
        <source>请核对借匙人的工作证号</source>
        <translation>Please check the borrower&apos;s work ID no.</translation>
    </message>
    <message>
        <source>工作证号 {work_id} 不是在职的售楼人员</source>
        <translation>Work ID no. {work_id} is not a current sales staff member</translation>
    </message>
    <message>
        <source>工作证号 {work_id} 与在职员工记录不符，不能借出</source>
        <translation>Work ID no. {work_id} does not match any current staff record; the keys cannot be lent</translation>
    </message>
    <message>
        <source>✓ {name}（{department}）</source>
        <translation>✓ {name} ({department})</translation>
    </message>
    <message>
        <source>（请选择业主）</source>
        <translation>(please choose an owner)</translation>
    </message>
    <message>
        <source>（请先加入钥匙）</source>
        <translation>(add keys first)</translation>
    </message>
    <message>
        <source>{name}（{phone}）</source>
        <translation>{name} ({phone})</translation>
    </message>
    <message>
        <source>{number} 是业主托存钥匙，只能凭身份证交还业主本人，不能外借</source>
        <translation>{number} is an owner deposit key: it is only given back to the owner against their ID card and cannot be lent</translation>
    </message>
    <message>
        <source>{number} 当前为“{state}”，不能借出</source>
        <translation>{number} is &quot;{state}&quot; and cannot be lent</translation>
    </message>
    <message>
        <source>{number} 已在列表中</source>
        <translation>{number} is already in the list</translation>
    </message>
    <message>
        <source>找不到钥匙或房号“{text}”</source>
        <translation>No key or room no. &quot;{text}&quot; found</translation>
    </message>
    <message>
        <source> 把（共 {n} 把）</source>
        <translation> (of {n})</translation>
    </message>
    <message>
        <source>请填写施工单位</source>
        <translation>Please enter the contractor</translation>
    </message>
    <message>
        <source>请核对并填写施工人员的工作证/出入证号</source>
        <translation>Please check and enter the worker&apos;s work ID or site pass number</translation>
    </message>
    <message>
        <source>请填写借匙人姓名</source>
        <translation>Please enter the borrower&apos;s name</translation>
    </message>
    <message>
        <source>请从房屋的业主中选择借匙人</source>
        <translation>Please choose the borrower from the room&apos;s owners</translation>
    </message>
    <message>
        <source>请填写借用事由</source>
        <translation>Please enter the purpose</translation>
    </message>
    <message>
        <source>请加入要借出的钥匙</source>
        <translation>Please add the keys to lend</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>FrontDesk 物业客服台</source>
        <translation>FrontDesk Property Service Desk</translation>
    </message>
    <message>
        <source>来电来访</source>
        <translation>Calls &amp;&amp; Visits</translation>
    </message>
    <message>
        <source>投诉处理</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <source>报修</source>
        <translation>Repairs</translation>
    </message>
    <message>
        <source>钥匙柜</source>
        <translation>Key Cabinet</translation>
    </message>
    <message>
        <source>走访回访</source>
        <translation>Callbacks</translation>
    </message>
    <message>
        <source>房屋与业主</source>
        <translation>Rooms &amp;&amp; Owners</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>导入花名册…</source>
        <translation>Import Roster…</translation>
    </message>
    <message>
        <source>导出月报…</source>
        <translation>Export Monthly Report…</translation>
    </message>
    <message>
        <source>立即备份</source>
        <translation>Back Up Now</translation>
    </message>
    <message>
        <source>从备份恢复…</source>
        <translation>Restore from Backup…</translation>
    </message>
    <message>
        <source>检查数据库</source>
        <translation>Check Database</translation>
    </message>
    <message>
        <source>锁定窗口</source>
        <translation>Lock Window</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>设置(&amp;S)</source>
        <translation>&amp;Settings</translation>
    </message>
    <message>
        <source>小区与程序设置…</source>
        <translation>Community &amp;&amp; App Settings…</translation>
    </message>
    <message>
        <source>员工、施工单位与开发商…</source>
        <translation>Staff, Contractors &amp;&amp; Developers…</translation>
    </message>
    <message>
        <source>用户与权限…</source>
        <translation>Users &amp;&amp; Permissions…</translation>
    </message>
    <message>
        <source>审计日志…</source>
        <translation>Audit Log…</translation>
    </message>
    <message>
        <source>修改我的密码…</source>
        <translation>Change My Password…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>数据位置…</source>
        <translation>Data Locations…</translation>
    </message>
    <message>
        <source>关于 FrontDesk</source>
        <translation>About FrontDesk</translation>
    </message>
    <message>
        <source>当前用户：{name}（{role}）</source>
        <translation>Current user: {name} ({role})</translation>
    </message>
    <message>
        <source>数据库：{where}</source>
        <translation>Database: {where}</translation>
    </message>
    <message>
        <source>已备份到 {path}</source>
        <translation>Backed up to {path}</translation>
    </message>
    <message>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>数据库有问题：{p}</source>
        <translation>Database problem: {p}</translation>
    </message>
    <message>
        <source>审计日志异常：{p}</source>
        <translation>Audit log problem: {p}</translation>
    </message>
    <message>
        <source>数据库完好，审计日志哈希链完整。</source>
        <translation>The database is intact and the audit log hash chain is complete.</translation>
    </message>
    <message>
        <source>正在检查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>密码已修改</source>
        <translation>Password Changed</translation>
    </message>
    <message>
        <source>数据位置</source>
        <translation>Data Locations</translation>
    </message>
    <message>
        <source>数据库：{db}
数据目录：{data}
自动备份：{backups}
日志：{logs}</source>
        <translation>Database: {db}
Data folder: {data}
Automatic backups: {backups}
Logs: {logs}</translation>
    </message>
    <message>
        <source>FrontDesk 物业客服台 {version}
离线运行的物业客服中心工作台。</source>
        <translation>FrontDesk Property Service Desk {version}
An offline workstation for property-management service centers.</translation>
    </message>
    <message>
        <source>窗口已锁定</source>
        <translation>Window Locked</translation>
    </message>
    <message>
        <source>退出程序</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>退出 FrontDesk？未保存的输入将丢失。</source>
        <translation>Exit FrontDesk? Unsaved input will be lost.</translation>
    </message>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
</context>
<context>
    <name>MonthExportDialog</name>
    <message>
        <source>导出月报</source>
        <translation>Export Monthly Report</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>同时生成 PDF 报告</source>
        <translation>Also create a PDF report</translation>
    </message>
    <message>
        <source>本月投诉情况分析与改进措施（写入《投诉及处理月报表》）</source>
        <translation>This month&apos;s complaint analysis and improvement measures (goes into the Monthly Complaints Report)</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>保存为</source>
        <translation>Save as</translation>
    </message>
    <message>
        <source>分析与措施</source>
        <translation>Analysis and measures</translation>
    </message>
    <message>
        <source>生成</source>
        <translation>Generate</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>保存月报</source>
        <translation>Save Monthly Report</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel Workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>文件夹不存在：{path}</source>
        <translation>Folder does not exist: {path}</translation>
    </message>
    <message>
        <source>文件已存在，覆盖吗？
{files}</source>
        <translation>These files already exist. Overwrite them?
{files}</translation>
    </message>
    <message>
        <source>正在生成 {month} 月报…</source>
        <translation>Generating the monthly report for {month}…</translation>
    </message>
    <message>
        <source>正在生成月报…</source>
        <translation>Generating monthly report…</translation>
    </message>
</context>
<context>
    <name>PartyForm</name>
    <message>
        <source>新增施工单位</source>
        <translation>New Contractor</translation>
    </message>
    <message>
        <source>编辑施工单位</source>
        <translation>Edit Contractor</translation>
    </message>
    <message>
        <source>单位名称</source>
        <translation>Company name</translation>
    </message>
    <message>
        <source>新增开发商</source>
        <translation>New Developer</translation>
    </message>
    <message>
        <source>编辑开发商</source>
        <translation>Edit Developer</translation>
    </message>
    <message>
        <source>开发商名称</source>
        <translation>Developer name</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>合作中</source>
        <translation>Active</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>修改密码：{name}</source>
        <translation>Change Password: {name}</translation>
    </message>
    <message>
        <source>原密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Confirm password</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The passwords do not match</translation>
    </message>
</context>
<context>
    <name>PermitDialog</name>
    <message>
        <source>登记装修手续</source>
        <translation>Record Decoration Permit</translation>
    </message>
    <message>
        <source>装修手续 — {room}</source>
        <translation>Decoration Permit — {room}</translation>
    </message>
    <message>
        <source>已登记：{no}（{issued}）{paid}</source>
        <translation>Recorded: {no} ({issued}); {paid}</translation>
    </message>
    <message>
        <source>费用已交清</source>
        <translation>Fees paid</translation>
    </message>
    <message>
        <source>费用未交清</source>
        <translation>Fees not paid</translation>
    </message>
    <message>
        <source>装修许可证编号</source>
        <translation>Decoration permit no.</translation>
    </message>
    <message>
        <source>办理日期</source>
        <translation>Date issued</translation>
    </message>
    <message>
        <source>装修相关费用已交清</source>
        <translation>Decoration fees paid</translation>
    </message>
    <message>
        <source>收据号码</source>
        <translation>Receipt no.</translation>
    </message>
    <message>
        <source>交费日期</source>
        <translation>Date paid</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>请填写装修许可证编号</source>
        <translation>Please enter the decoration permit no.</translation>
    </message>
    <message>
        <source>已交清费用请填写收据号码</source>
        <translation>If the fees are paid, please enter the receipt no.</translation>
    </message>
</context>
<context>
    <name>PersonDialog</name>
    <message>
        <source>编辑人员</source>
        <translation>Edit Person</translation>
    </message>
    <message>
        <source>添加人员</source>
        <translation>Add Person</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>身份</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>手机/电话</source>
        <translation>Mobile/Phone</translation>
    </message>
    <message>
        <source>备用电话</source>
        <translation>Alt. phone</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>外籍人员</source>
        <translation>Foreign national</translation>
    </message>
    <message>
        <source>是（需填外籍人员登记表）</source>
        <translation>Yes (Foreigner Registration Form required)</translation>
    </message>
    <message>
        <source>已知</source>
        <translation>Known</translation>
    </message>
    <message>
        <source>入住日期</source>
        <translation>Move-in date</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>制定{month}走访计划</source>
        <translation>Plan Visits for {month}</translation>
    </message>
    <message>
        <source>住宅 {households} 户，今年已走访 {visited} 户，已排计划未完成 {open} 户；本年还剩 {left} 个月，本月需走访 {needed} 户以保持每年不少于 50% 的进度。</source>
        <translation>{households} residential households: {visited} visited this year, {open} planned but not yet visited. With {left} month(s) left this year, {needed} households need a visit this month to stay on track for at least 50% a year.</translation>
    </message>
    <message>
        <source>从未回访</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>［重点］</source>
        <translation>[Priority] </translation>
    </message>
    <message>
        <source>{mark}{room}&#x3000;{name}&#x3000;{phone}&#x3000;上次回访：{last}</source>
        <translation>{mark}{room}  {name}  {phone}  Last callback: {last}</translation>
    </message>
    <message>
        <source>创建走访计划</source>
        <translation>Create Visit Plan</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>请填写原因</source>
        <translation>Please enter a reason</translation>
    </message>
</context>
<context>
    <name>ReceptionPanel</name>
    <message>
        <source>问候语：{text}</source>
        <translation>Greeting: {text}</translation>
    </message>
    <message>
        <source>登记来电来访（Enter 保存，多行框内 Ctrl+Enter 保存，Esc 清空）</source>
        <translation>Log a Call or Visit (Enter saves, Ctrl+Enter in multi-line boxes; Esc clears)</translation>
    </message>
    <message>
        <source>房号，如 3-2-1201</source>
        <translation>Room no., e.g. 3-2-1201</translation>
    </message>
    <message>
        <source>来电人姓名（可从该房住户中选择）</source>
        <translation>Caller&apos;s name (can be chosen from this room&apos;s residents)</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>不愿留下联系方式</source>
        <translation>Declined to give contact details</translation>
    </message>
    <message>
        <source>来电来访内容</source>
        <translation>Call or visit details</translation>
    </message>
    <message>
        <source>处理情况</source>
        <translation>Action taken</translation>
    </message>
    <message>
        <source>承诺答复时间</source>
        <translation>Promised reply by</translation>
    </message>
    <message>
        <source>保存（Enter）</source>
        <translation>Save (Enter)</translation>
    </message>
    <message>
        <source>清空（Esc）</source>
        <translation>Clear (Esc)</translation>
    </message>
    <message>
        <source>通话计时：8 分钟变黄，10 分钟变红（通话不宜超过十分钟）</source>
        <translation>Call timer: turns yellow at 8 minutes, red at 10 (calls should not exceed ten minutes)</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>来电人</source>
        <translation>Caller</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>来电人信息</source>
        <translation>Caller Information</translation>
    </message>
    <message>
        <source>承诺答复（黄：即将到期，红：已超时）</source>
        <translation>Promised Replies (yellow: due soon, red: overdue)</translation>
    </message>
    <message>
        <source>答复内容</source>
        <translation>Reply given</translation>
    </message>
    <message>
        <source>已答复</source>
        <translation>Replied</translation>
    </message>
    <message>
        <source>今日建议（主管处理）</source>
        <translation>Today&apos;s Suggestions (for the supervisor)</translation>
    </message>
    <message>
        <source>采纳或不采纳的理由（将回复给业主）</source>
        <translation>Reason for adopting or not (will be sent to the owner)</translation>
    </message>
    <message>
        <source>采纳</source>
        <translation>Adopt</translation>
    </message>
    <message>
        <source>不采纳</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>Any</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>查找内容、姓名、电话</source>
        <translation>Search details, name, phone</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>转为投诉…</source>
        <translation>Convert to Complaint…</translation>
    </message>
    <message>
        <source>将“投诉”类记录转为投诉单，并互相关联</source>
        <translation>Turn a &quot;Complaint&quot; record into a complaint and link the two</translation>
    </message>
    <message>
        <source>转为维修派工单…</source>
        <translation>Convert to Repair Work Order…</translation>
    </message>
    <message>
        <source>将“报修”类记录转为维修派工单，并互相关联</source>
        <translation>Turn a &quot;Repair request&quot; record into a repair work order and link the two</translation>
    </message>
    <message>
        <source>来电来访记录</source>
        <translation>Calls &amp; Visits Log</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>（不愿留下）</source>
        <translation>(declined)</translation>
    </message>
    <message>
        <source>接待人</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>时长</source>
        <translation>Duration</translation>
    </message>
    <message>
        <source>跟进</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>答复时间</source>
        <translation>Reply by</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>答复事项</source>
        <translation>To reply about</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>已转投诉</source>
        <translation>Converted to complaint</translation>
    </message>
    <message>
        <source>未转投诉</source>
        <translation>Not converted</translation>
    </message>
    <message>
        <source>已转维修 {serial}</source>
        <translation>Converted to repair {serial}</translation>
    </message>
    <message>
        <source>未转维修</source>
        <translation>Not converted</translation>
    </message>
    <message>
        <source>输入房号或电话后显示该户信息。</source>
        <translation>Enter a room no. or phone number to see the household&apos;s details.</translation>
    </message>
    <message>
        <source>（按电话号码找到）</source>
        <translation>(found by phone number)</translation>
    </message>
    <message>
        <source>住户：{people}</source>
        <translation>Residents: {people}</translation>
    </message>
    <message>
        <source>无登记</source>
        <translation>none registered</translation>
    </message>
    <message>
        <source>未结投诉：{items}</source>
        <translation>Open complaints: {items}</translation>
    </message>
    <message>
        <source>未完工报修：{items}</source>
        <translation>Open repairs: {items}</translation>
    </message>
    <message>
        <source>{serial} {category}（{state}）</source>
        <translation>{serial} {category} ({state})</translation>
    </message>
    <message>
        <source>待回访：{items}</source>
        <translation>Pending callbacks: {items}</translation>
    </message>
    <message>
        <source>待答复承诺：{items}</source>
        <translation>Promised replies pending: {items}</translation>
    </message>
    <message>
        <source>最近来电来访：</source>
        <translation>Recent calls &amp; visits:</translation>
    </message>
    <message>
        <source>{a} 至 {b}</source>
        <translation>{a} to {b}</translation>
    </message>
    <message>
        <source>房号 {room}</source>
        <translation>Room {room}</translation>
    </message>
    <message>
        <source>接待人 {name}</source>
        <translation>Received by {name}</translation>
    </message>
    <message>
        <source>查找“{text}”</source>
        <translation>Search &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>，向下滚动加载更多</source>
        <translation>; scroll down to load more</translation>
    </message>
    <message>
        <source>显示 {n} 条{more}</source>
        <translation>Showing {n}{more}</translation>
    </message>
    <message>
        <source>全部接待人</source>
        <translation>All staff</translation>
    </message>
</context>
<context>
    <name>ReminderDialog</name>
    <message>
        <source>催还</source>
        <translation>Chase</translation>
    </message>
    <message>
        <source>催还 — {serial}</source>
        <translation>Chase — {serial}</translation>
    </message>
    <message>
        <source>{name}{company}（{kind}，电话 {phone}）借 {keys}，应还 {due}</source>
        <translation>{name}{company} ({kind}, phone {phone}) borrowed {keys}, due back {due}</translation>
    </message>
    <message>
        <source>催还方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>如 答应明天上午送回</source>
        <translation>e.g. promised to bring it back tomorrow morning</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>已催还 {n} 次</source>
        <translation>Chased {n} time(s)</translation>
    </message>
    <message>
        <source>此前催还</source>
        <translation>Earlier reminders</translation>
    </message>
    <message>
        <source>尚未催还过</source>
        <translation>Not chased yet</translation>
    </message>
</context>
<context>
    <name>RepairActionDialog</name>
    <message>
        <source>{action} — {serial}</source>
        <translation>{action} — {serial}</translation>
    </message>
    <message>
        <source>{serial}  {place}  {category}（{urgency}，{paid}）：{content}</source>
        <translation>{serial}  {place}  {category} ({urgency}, {paid}): {content}</translation>
    </message>
    <message>
        <source>维修人员：{name}</source>
        <translation>Technician: {name}</translation>
    </message>
    <message>
        <source>报价：{amount}</source>
        <translation>Quote: {amount}</translation>
    </message>
    <message>
        <source>{who} 已签字确认费用</source>
        <translation>{who} signed to accept the fee</translation>
    </message>
    <message>
        <source>维修方案</source>
        <translation>Repair plan</translation>
    </message>
    <message>
        <source>到场确认的故障和告知业主的维修方案</source>
        <translation>The fault confirmed on site and the repair plan explained to the owner</translation>
    </message>
    <message>
        <source>元，如 120 或 85.50</source>
        <translation>Yuan, e.g. 120 or 85.50</translation>
    </message>
    <message>
        <source>维修费用</source>
        <translation>Repair fee</translation>
    </message>
    <message>
        <source>费用说明</source>
        <translation>Fee details</translation>
    </message>
    <message>
        <source>材料、人工等（选填）</source>
        <translation>Materials, labor, etc. (optional)</translation>
    </message>
    <message>
        <source>签字业主</source>
        <translation>Signed by (owner)</translation>
    </message>
    <message>
        <source>维修情况</source>
        <translation>Work done</translation>
    </message>
    <message>
        <source>做了什么、换了什么</source>
        <translation>What was done, what was replaced</translation>
    </message>
    <message>
        <source>验收签字业主</source>
        <translation>Accepted by (owner)</translation>
    </message>
    <message>
        <source>业主评价</source>
        <translation>Owner&apos;s rating</translation>
    </message>
    <message>
        <source>业主意见</source>
        <translation>Owner&apos;s comments</translation>
    </message>
    <message>
        <source>不满意时必填</source>
        <translation>Required if dissatisfied</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>选填，默认“派工单已交回客服中心存档”</source>
        <translation>Optional; by default &quot;Work order returned to the service center for filing&quot;</translation>
    </message>
    <message>
        <source>选填</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>退单原因</source>
        <translation>Reason for sending back</translation>
    </message>
    <message>
        <source>转单原因</source>
        <translation>Reason for reassigning</translation>
    </message>
    <message>
        <source>取消原因</source>
        <translation>Reason for cancelling</translation>
    </message>
    <message>
        <source>返修原因（业主不满意之处）</source>
        <translation>Reason for rework (what the owner is unhappy with)</translation>
    </message>
    <message>
        <source>返修单紧急程度</source>
        <translation>Rework order urgency</translation>
    </message>
    <message>
        <source>签收时间</source>
        <translation>Time signed for</translation>
    </message>
    <message>
        <source>到场时间</source>
        <translation>Arrival time</translation>
    </message>
    <message>
        <source>报价时间</source>
        <translation>Quote time</translation>
    </message>
    <message>
        <source>确认时间</source>
        <translation>Acceptance time</translation>
    </message>
    <message>
        <source>完工时间</source>
        <translation>Completion time</translation>
    </message>
    <message>
        <source>归档时间</source>
        <translation>Archive time</translation>
    </message>
    <message>
        <source>退单时间</source>
        <translation>Send-back time</translation>
    </message>
    <message>
        <source>转单时间</source>
        <translation>Reassignment time</translation>
    </message>
    <message>
        <source>取消时间</source>
        <translation>Cancellation time</translation>
    </message>
    <message>
        <source>返修登记时间</source>
        <translation>Rework logged at</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>（请选择维修人员）</source>
        <translation>(please choose a technician)</translation>
    </message>
    <message>
        <source>维修人员</source>
        <translation>Technician</translation>
    </message>
    <message>
        <source>请选择维修人员</source>
        <translation>Please choose a technician</translation>
    </message>
    <message>
        <source>没有其他可接手的工程部人员</source>
        <translation>No other engineering staff can take it over</translation>
    </message>
    <message>
        <source>没有可派的工程部人员：请先在“设置 → 员工”中登记</source>
        <translation>No engineering staff to dispatch: first add them under &quot;Settings → Staff&quot;</translation>
    </message>
    <message>
        <source>请填写签字业主的姓名</source>
        <translation>Please enter the name of the owner who signed</translation>
    </message>
    <message>
        <source>请填写维修情况（做了什么）</source>
        <translation>Please describe the work done</translation>
    </message>
    <message>
        <source>请选择业主评价</source>
        <translation>Please choose the owner&apos;s rating</translation>
    </message>
    <message>
        <source>业主不满意：请记下业主的意见</source>
        <translation>The owner is dissatisfied: please record the owner&apos;s comments</translation>
    </message>
    <message>
        <source>请填写原因</source>
        <translation>Please enter a reason</translation>
    </message>
    <message>
        <source>时间不能晚于现在</source>
        <translation>The time cannot be in the future</translation>
    </message>
    <message>
        <source>时间不能早于报修时间 {when}</source>
        <translation>The time cannot be earlier than the time reported, {when}</translation>
    </message>
</context>
<context>
    <name>RepairBatchDialog</name>
    <message>
        <source>批量打印维修派工单</source>
        <translation>Batch Print Repair Work Orders</translation>
    </message>
    <message>
        <source>上午（00:00–12:00）</source>
        <translation>Morning (00:00–12:00)</translation>
    </message>
    <message>
        <source>下午（12:00–24:00）</source>
        <translation>Afternoon (12:00–24:00)</translation>
    </message>
    <message>
        <source>全天</source>
        <translation>All day</translation>
    </message>
    <message>
        <source>签收日期</source>
        <translation>Date signed for</translation>
    </message>
    <message>
        <source>时段</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>维修人员</source>
        <translation>Technician</translation>
    </message>
    <message>
        <source>房号/位置</source>
        <translation>Room/Location</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>签收时间</source>
        <translation>Signed for</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>打印记录</source>
        <translation>Print history</translation>
    </message>
    <message>
        <source>全选</source>
        <translation>Select All</translation>
    </message>
    <message>
        <source>全不选</source>
        <translation>Select None</translation>
    </message>
    <message>
        <source>两联（A4）</source>
        <translation>Two copies (A4)</translation>
    </message>
    <message>
        <source>客服中心联和维修人员联打在一张 A4 纸上，中间裁开</source>
        <translation>The service center copy and the technician copy are printed on one A4 sheet, to be cut in half</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>已打印 {n} 次（将补打）</source>
        <translation>Printed {n} time(s) (will be a reprint)</translation>
    </message>
    <message>
        <source>{day} {period}没有签收后仍在维修人员手中的派工单（已派工、维修中、待确认费用），无需打印。</source>
        <translation>{day} {period}: no work orders signed for in this period are still with a technician (Dispatched, In repair, Awaiting fee approval), so there is nothing to print.</translation>
    </message>
    <message>
        <source>共 {total} 单，已选 {n} 单</source>
        <translation>{total} orders, {n} selected</translation>
    </message>
    <message>
        <source>批量打印</source>
        <translation>Batch Print</translation>
    </message>
    <message>
        <source>所选时段没有可打印的派工单。</source>
        <translation>There are no work orders to print for the selected period.</translation>
    </message>
    <message>
        <source>请至少勾选一张派工单。</source>
        <translation>Please tick at least one work order.</translation>
    </message>
    <message>
        <source>已将 {n} 张派工单另存为 PDF，并记入打印记录。</source>
        <translation>Saved {n} work order(s) as PDF and added them to the print history.</translation>
    </message>
    <message>
        <source>已打印 {n} 张派工单，并记入打印记录。</source>
        <translation>Printed {n} work order(s) and added them to the print history.</translation>
    </message>
</context>
<context>
    <name>RepairDialog</name>
    <message>
        <source>报修登记</source>
        <translation>Log Repair Request</translation>
    </message>
    <message>
        <source>修改报修信息</source>
        <translation>Edit Repair Request</translation>
    </message>
    <message>
        <source>房号如 3-2-1201，公共区域如 公共-配电室</source>
        <translation>Room no., e.g. 3-2-1201; common areas e.g. 公共-配电室</translation>
    </message>
    <message>
        <source>如 厨房、卫生间、3号楼电梯厅</source>
        <translation>e.g. kitchen, bathroom, Building 3 elevator lobby</translation>
    </message>
    <message>
        <source>从该房屋的人员中选择，或直接输入</source>
        <translation>Choose from the people in this room, or type a name</translation>
    </message>
    <message>
        <source>工程人员上门前联系用</source>
        <translation>For the technician to call before coming</translation>
    </message>
    <message>
        <source>（请选择）</source>
        <translation>(please choose)</translation>
    </message>
    <message>
        <source>故障情况：什么坏了、从什么时候开始、业主的要求</source>
        <translation>The fault: what is broken, since when, what the owner wants</translation>
    </message>
    <message>
        <source>如 周六上午、今天下午三点后</source>
        <translation>e.g. Saturday morning, today after 3 pm</translation>
    </message>
    <message>
        <source>报修方式</source>
        <translation>Reported via</translation>
    </message>
    <message>
        <source>房号/公共区域</source>
        <translation>Room no./Common area</translation>
    </message>
    <message>
        <source>具体位置</source>
        <translation>Exact location</translation>
    </message>
    <message>
        <source>报修人</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>报修类别</source>
        <translation>Repair category</translation>
    </message>
    <message>
        <source>报修内容</source>
        <translation>Repair details</translation>
    </message>
    <message>
        <source>紧急程度</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <source>收费</source>
        <translation>Charge</translation>
    </message>
    <message>
        <source>预约上门时间</source>
        <translation>Preferred visit time</translation>
    </message>
    <message>
        <source>找不到该房号或公共区域</source>
        <translation>Room no. or common area not found</translation>
    </message>
    <message>
        <source>{name}（{relation} {phone}）</source>
        <translation>{name} ({relation} {phone})</translation>
    </message>
</context>
<context>
    <name>RepairsPanel</name>
    <message>
        <source>编号（可扫码）、房号、报修人、电话或内容</source>
        <translation>No. (can be scanned), room no., reporter, phone or details</translation>
    </message>
    <message>
        <source>扫描派工单上的二维码或输入编号后按 Enter，直接打开该单</source>
        <translation>Scan the QR code on a work order, or type its number and press Enter, to open it directly</translation>
    </message>
    <message>
        <source>房号/区域</source>
        <translation>Room/Area</translation>
    </message>
    <message>
        <source>全部紧急程度</source>
        <translation>All urgencies</translation>
    </message>
    <message>
        <source>报修日期</source>
        <translation>Date reported</translation>
    </message>
    <message>
        <source>只看超时</source>
        <translation>Late only</translation>
    </message>
    <message>
        <source>显示完整电话</source>
        <translation>Show full phone numbers</translation>
    </message>
    <message>
        <source>新建报修…</source>
        <translation>New Repair Request…</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>批量打印…</source>
        <translation>Batch Print…</translation>
    </message>
    <message>
        <source>一次打印某段时间内签收的全部派工单</source>
        <translation>Print all the work orders signed for in a period at once</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>维修派工单</source>
        <translation>Repair Work Order</translation>
    </message>
    <message>
        <source>两联（A4）</source>
        <translation>Two copies (A4)</translation>
    </message>
    <message>
        <source>客服中心联和维修人员联印在一张 A4 纸上</source>
        <translation>The service center copy and the technician copy on one A4 sheet</translation>
    </message>
    <message>
        <source>打印派工单…</source>
        <translation>Print Work Order…</translation>
    </message>
    <message>
        <source>修改…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>修改未完工派工单的报修信息（房号、电话、类别、紧急程度、收费等）</source>
        <translation>Edit the request of an unfinished work order (room, phone, category, urgency, charge …)</translation>
    </message>
    <message>
        <source>处理经过</source>
        <translation>Handling History</translation>
    </message>
    <message>
        <source>在上方选择一张派工单，查看处理经过。</source>
        <translation>Select a work order above to see how it was handled.</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>全部维修人员</source>
        <translation>All technicians</translation>
    </message>
    <message>
        <source>工程部今日：尚未登记工程部人员（设置 → 员工）</source>
        <translation>Engineering today: no engineering staff registered yet (Settings → Staff)</translation>
    </message>
    <message>
        <source>{name} 在手 {open} · 今日 {today}</source>
        <translation>{name}: {open} in hand · {today} today</translation>
    </message>
    <message>
        <source>工程部今日：{items}</source>
        <translation>Engineering today: {items}</translation>
    </message>
    <message>
        <source>查找“{text}”</source>
        <translation>Search &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>房号 {room}</source>
        <translation>Room {room}</translation>
    </message>
    <message>
        <source>报修日期 {a} 至 {b}</source>
        <translation>Reported {a} to {b}</translation>
    </message>
    <message>
        <source>全部派工单</source>
        <translation>All work orders</translation>
    </message>
    <message>
        <source>全部 {n}</source>
        <translation>All {n}</translation>
    </message>
    <message>
        <source>{label} {n}</source>
        <translation>{label} {n}</translation>
    </message>
    <message>
        <source>，向下滚动加载更多</source>
        <translation>; scroll down to load more</translation>
    </message>
    <message>
        <source>，其中超时 {n} 条（红色）</source>
        <translation>, {n} late (red)</translation>
    </message>
    <message>
        <source>共 {n} 条{late}{more}</source>
        <translation>{n} total{late}{more}</translation>
    </message>
    <message>
        <source>{serial}  {state}</source>
        <translation>{serial}  {state}</translation>
    </message>
    <message>
        <source>{when} {channel}报修 · {place} · {who} {contact}</source>
        <translation>{when} reported via {channel} · {place} · {who} {contact}</translation>
    </message>
    <message>
        <source>类别：{category} · {urgency} · {paid}</source>
        <translation>Category: {category} · {urgency} · {paid}</translation>
    </message>
    <message>
        <source> · 预约：{when}</source>
        <translation> · Preferred time: {when}</translation>
    </message>
    <message>
        <source>维修人员：{name}（{when} 签收）</source>
        <translation>Technician: {name} (signed for {when})</translation>
    </message>
    <message>
        <source>到场：{when}（响应 {minutes}）</source>
        <translation>Arrived: {when} (response {minutes})</translation>
    </message>
    <message>
        <source>维修方案：{plan}</source>
        <translation>Repair plan: {plan}</translation>
    </message>
    <message>
        <source>报价：{amount}</source>
        <translation>Quote: {amount}</translation>
    </message>
    <message>
        <source>（{note}）</source>
        <translation> ({note})</translation>
    </message>
    <message>
        <source>，{who} {when} 签字确认</source>
        <translation>, accepted and signed by {who} on {when}</translation>
    </message>
    <message>
        <source>，业主尚未确认</source>
        <translation>, not yet accepted by the owner</translation>
    </message>
    <message>
        <source>完工：{when}（用时 {minutes}）；维修情况：{work}</source>
        <translation>Completed: {when} (took {minutes}); work done: {work}</translation>
    </message>
    <message>
        <source>验收：{who} · {rating}</source>
        <translation>Accepted by: {who} · {rating}</translation>
    </message>
    <message>
        <source> · 意见：{text}</source>
        <translation> · Comments: {text}</translation>
    </message>
    <message>
        <source>已于 {when} 取消：{reason}</source>
        <translation>Cancelled on {when}: {reason}</translation>
    </message>
    <message>
        <source>到场超时</source>
        <translation>Late arrival</translation>
    </message>
    <message>
        <source>超时未到场</source>
        <translation>Arrival overdue</translation>
    </message>
    <message>
        <source>完工超时</source>
        <translation>Late completion</translation>
    </message>
    <message>
        <source>超时未完工</source>
        <translation>Completion overdue</translation>
    </message>
    <message>
        <source>费用待业主签字确认</source>
        <translation>Fee awaiting the owner&apos;s signature</translation>
    </message>
    <message>
        <source>来源来电：{when} {who}：{content}</source>
        <translation>From call: {when} {who}: {content}</translation>
    </message>
    <message>
        <source>回访：{state}，{when} 前</source>
        <translation>Callback: {state}, due by {when}</translation>
    </message>
    <message>
        <source>（紧急）</source>
        <translation> (urgent)</translation>
    </message>
    <message>
        <source>，业主{sat}</source>
        <translation>, owner: {sat}</translation>
    </message>
    <message>
        <source>本单是返修单，原单：</source>
        <translation>This is a rework order; original order: </translation>
    </message>
    <message>
        <source>（{state}）</source>
        <translation> ({state})</translation>
    </message>
    <message>
        <source>返修单：</source>
        <translation>Rework orders: </translation>
    </message>
    <message>
        <source>{time}（超时）</source>
        <translation>{time} (late)</translation>
    </message>
    <message>
        <source>超时</source>
        <translation>Late</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>报修时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>房号/位置</source>
        <translation>Room/Location</translation>
    </message>
    <message>
        <source>报修人</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>紧急</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <source>有偿</source>
        <translation>Charge</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>维修人员</source>
        <translation>Technician</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>完工用时</source>
        <translation>Time to complete</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>报告钥匙遗失/损坏</source>
        <translation>Report Lost/Damaged Key</translation>
    </message>
    <message>
        <source>报告遗失/损坏 — {number}</source>
        <translation>Report Lost/Damaged — {number}</translation>
    </message>
    <message>
        <source>{number}&#x3000;{room}&#x3000;{kind}&#x3000;共 {n} 把&#x3000;{state}</source>
        <translation>{number}  {room}  {kind}  {n} key(s) in all  {state}</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Type</translation>
    </message>
    <message>
        <source> 把</source>
        <translation> key(s)</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>何时、何处、如何遗失或损坏；谁发现的</source>
        <translation>When, where and how it was lost or damaged; who noticed</translation>
    </message>
    <message>
        <source>经过</source>
        <translation>What happened</translation>
    </message>
    <message>
        <source>保存后报告客服主管，由主管联系业主并决定补配钥匙或换锁。</source>
        <translation>Saving reports it to the supervisor, who contacts the owner and decides on a new key or a lock change.</translation>
    </message>
    <message>
        <source>请写明遗失或损坏的经过</source>
        <translation>Please describe how it was lost or damaged</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from Backup</translation>
    </message>
    <message>
        <source>选择要恢复的备份。当前数据库会另存保留（文件名带 replaced），不会被删除。恢复后需要重新登录。</source>
        <translation>Choose the backup to restore. The current database is kept under another name (with &quot;replaced&quot; in the file name), not deleted. You will need to sign in again after restoring.</translation>
    </message>
    <message>
        <source>备份时间</source>
        <translation>Backup time</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>选择其他文件…</source>
        <translation>Choose Another File…</translation>
    </message>
    <message>
        <source>恢复所选备份</source>
        <translation>Restore Selected Backup</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose Backup File</translation>
    </message>
    <message>
        <source>SQLite 数据库 (*.sqlite3 *.db);;所有文件 (*)</source>
        <translation>SQLite Databases (*.sqlite3 *.db);;All Files (*)</translation>
    </message>
    <message>
        <source>用 {name} 替换当前数据库？
当前数据库会另存保留。</source>
        <translation>Replace the current database with {name}?
The current database will be kept aside.</translation>
    </message>
    <message>
        <source>已恢复。原数据库另存为：
{aside}
请重新登录。</source>
        <translation>Restored. The previous database was kept as:
{aside}
Please sign in again.</translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <source>归还钥匙</source>
        <translation>Return Keys</translation>
    </message>
    <message>
        <source>扫描借领单二维码，或输入单号 JY-…、钥匙编号，回车查找</source>
        <translation>Scan the loan slip&apos;s QR code, or type its number JY-… or a key no., and press Enter</translation>
    </message>
    <message>
        <source>借领单</source>
        <translation>Loan slip</translation>
    </message>
    <message>
        <source>钥匙编号</source>
        <translation>Key no.</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>借出</source>
        <translation>Lent</translation>
    </message>
    <message>
        <source>归还数量</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>清点</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>还匙人</source>
        <translation>Returned by</translation>
    </message>
    <message>
        <source>少还时必填：经过、谁丢的、业主是否知道</source>
        <translation>Required if keys are missing: what happened, who lost them, whether the owner knows</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>接收人</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>找不到“{text}”的借出记录</source>
        <translation>No loan found for &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#c62828&apos;&gt;{due}（已逾期）&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:#c62828&apos;&gt;{due} (overdue)&lt;/b&gt;</translation>
    </message>
    <message>
        <source>{kind}：&lt;b&gt;{name}&lt;/b&gt;{company}&#x3000;事由：{purpose}&lt;br&gt;借出 {lent}&#x3000;应还 {due}</source>
        <translation>{kind}: &lt;b&gt;{name}&lt;/b&gt;{company}  Purpose: {purpose}&lt;br&gt;Lent {lent}  Due back {due}</translation>
    </message>
    <message>
        <source>{n} 把</source>
        <translation>{n} key(s)</translation>
    </message>
    <message>
        <source> 把</source>
        <translation> key(s)</translation>
    </message>
    <message>
        <source>少还 {n} 把：保存后按遗失上报客服主管，钥匙进入遗失/损坏处理。</source>
        <translation>{n} key(s) short: saving reports them lost to the supervisor and starts the lost/damaged procedure.</translation>
    </message>
    <message>
        <source>请扫描或输入借领单号</source>
        <translation>Please scan or type the loan slip number</translation>
    </message>
    <message>
        <source>借领单 {serial} 已于 {at} 归还</source>
        <translation>Loan slip {serial} was already returned on {at}</translation>
    </message>
    <message>
        <source>请填写还匙人</source>
        <translation>Please enter who returned the keys</translation>
    </message>
    <message>
        <source>请写明少还的情况</source>
        <translation>Please explain the missing keys</translation>
    </message>
    <message>
        <source>归还短缺</source>
        <translation>Returned Short</translation>
    </message>
    <message>
        <source>借领单 {serial} 少还 {n} 把，已按遗失上报客服主管（见钥匙的“遗失/损坏”）。</source>
        <translation>Loan slip {serial} came back {n} key(s) short; they have been reported lost to the supervisor (see the key&apos;s &quot;Lost/Damaged&quot; tab).</translation>
    </message>
</context>
<context>
    <name>RoomDialog</name>
    <message>
        <source>编辑房屋</source>
        <translation>Edit Room</translation>
    </message>
    <message>
        <source>新增房屋</source>
        <translation>New Room</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>楼栋-单元-房号，如 3-2-1201；公共区域如 公共-配电室</source>
        <translation>Building-Unit-Room, e.g. 3-2-1201; common areas e.g. 公共-配电室</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>公共区域填写，如 配电室</source>
        <translation>For common areas, e.g. Electrical room</translation>
    </message>
    <message>
        <source>建筑面积（㎡）</source>
        <translation>Floor area (m²)</translation>
    </message>
    <message>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <source>留空则按房号推算</source>
        <translation>Leave blank to work it out from the room no.</translation>
    </message>
    <message>
        <source>入住状态</source>
        <translation>Occupancy</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>面积请填写数字，如 89.50</source>
        <translation>Area must be a number, e.g. 89.50</translation>
    </message>
    <message>
        <source>楼层请填写整数</source>
        <translation>Floor must be a whole number</translation>
    </message>
</context>
<context>
    <name>RoomsPanel</name>
    <message>
        <source>输入房号、姓名或电话查找（如 3-2-1201、王、1380013）</source>
        <translation>Search by room no., name or phone (e.g. 3-2-1201, Wang, 1380013)</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>含已停用</source>
        <translation>Include inactive</translation>
    </message>
    <message>
        <source>显示完整信息</source>
        <translation>Show full details</translation>
    </message>
    <message>
        <source>显示完整的电话和证件号码（会记入审计日志）</source>
        <translation>Show full phone and ID numbers (recorded in the audit log)</translation>
    </message>
    <message>
        <source>新增房屋…</source>
        <translation>New Room…</translation>
    </message>
    <message>
        <source>导入花名册…</source>
        <translation>Import Roster…</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>房屋与业主</source>
        <translation>Rooms &amp; Owners</translation>
    </message>
    <message>
        <source>房屋信息</source>
        <translation>Room Details</translation>
    </message>
    <message>
        <source>备注：</source>
        <translation>Notes:</translation>
    </message>
    <message>
        <source>打印：</source>
        <translation>Print:</translation>
    </message>
    <message>
        <source>编辑房屋…</source>
        <translation>Edit Room…</translation>
    </message>
    <message>
        <source>停用房屋</source>
        <translation>Deactivate Room</translation>
    </message>
    <message>
        <source>添加人员…</source>
        <translation>Add Person…</translation>
    </message>
    <message>
        <source>编辑人员…</source>
        <translation>Edit Person…</translation>
    </message>
    <message>
        <source>注销登记</source>
        <translation>End Registration</translation>
    </message>
    <message>
        <source>搬离、过户等：保留历史，不再作为当前住户</source>
        <translation>Moved out, ownership transferred, etc.: history is kept, but no longer a current occupant</translation>
    </message>
    <message>
        <source>打印登记表…</source>
        <translation>Print Register…</translation>
    </message>
    <message>
        <source>打印《房屋业主登记表》供业主核对签字</source>
        <translation>Print the Room &amp; Owner Register for the owner to check and sign</translation>
    </message>
    <message>
        <source>业主与住户</source>
        <translation>Owners &amp; Residents</translation>
    </message>
    <message>
        <source>在左侧选择一间房屋，查看业主和住户。</source>
        <translation>Select a room on the left to see its owners and residents.</translation>
    </message>
    <message>
        <source>查找“{text}”</source>
        <translation>Search &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>不含已停用</source>
        <translation>Excluding inactive</translation>
    </message>
    <message>
        <source>（已显示 {n} 间，向下滚动加载更多）</source>
        <translation> (showing {n}; scroll down to load more)</translation>
    </message>
    <message>
        <source>找到 {total} 间{more}</source>
        <translation>Found {total} room(s){more}</translation>
    </message>
    <message>
        <source>{area} ㎡</source>
        <translation>{area} m²</translation>
    </message>
    <message>
        <source>面积未填</source>
        <translation>Area not set</translation>
    </message>
    <message>
        <source>{floor} 层</source>
        <translation>Floor {floor}</translation>
    </message>
    <message>
        <source>（已停用）</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>登记表尚未打印</source>
        <translation>Register not printed yet</translation>
    </message>
    <message>
        <source>补打</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>登记表已打印 {n} 次，最近一次 {when}（{how}，{who}）</source>
        <translation>Register printed {n} time(s), last on {when} ({how}, {who})</translation>
    </message>
    <message>
        <source>启用房屋</source>
        <translation>Reactivate Room</translation>
    </message>
    <message>
        <source>恢复登记</source>
        <translation>Restore Registration</translation>
    </message>
    <message>
        <source>在房屋与业主列表中显示完整信息</source>
        <translation>Showed full details in the Rooms &amp; Owners list</translation>
    </message>
    <message>
        <source>导出房屋与业主列表（含完整信息）</source>
        <translation>Exported the Rooms &amp; Owners list (with full details)</translation>
    </message>
    <message>
        <source>停用 {code}？停用后不再出现在查找结果和房号补全中，历史记录保留。</source>
        <translation>Deactivate {code}? It will no longer appear in search results or room no. completion; its history is kept.</translation>
    </message>
    <message>
        <source>注销 {name} 在 {code} 的{rel}登记？人员资料和历史记录保留。</source>
        <translation>End {name}&apos;s registration as {rel} of {code}? The person&apos;s details and history are kept.</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <source>面积（㎡）</source>
        <translation>Area (m²)</translation>
    </message>
    <message>
        <source>入住状态</source>
        <translation>Occupancy</translation>
    </message>
    <message>
        <source>业主/住户</source>
        <translation>Owners/Residents</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>身份</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>（外籍）</source>
        <translation> (foreign)</translation>
    </message>
    <message>
        <source>证件</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>入住日期</source>
        <translation>Move-in date</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已注销</source>
        <translation>Ended</translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>楼栋</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>单元</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>室号</source>
        <translation>Apt. no.</translation>
    </message>
    <message>
        <source>建筑面积</source>
        <translation>Floor area</translation>
    </message>
    <message>
        <source>房屋类型</source>
        <translation>Room type</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>手机</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>备用电话</source>
        <translation>Alt. phone</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID type</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>入住日期</source>
        <translation>Move-in date</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>拒绝原因</source>
        <translation>Rejection reason</translation>
    </message>
    <message>
        <source>→ {field}</source>
        <translation>→ {field}</translation>
    </message>
    <message>
        <source>导入花名册</source>
        <translation>Import Roster</translation>
    </message>
    <message>
        <source>请选择客户的房屋与业主花名册（Excel .xlsx）</source>
        <translation>Choose the client&apos;s room and owner roster (Excel .xlsx)</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose File…</translation>
    </message>
    <message>
        <source>文件：</source>
        <translation>File:</translation>
    </message>
    <message>
        <source>工作表：</source>
        <translation>Sheet:</translation>
    </message>
    <message>
        <source>列的对应关系（请核对；可以改）</source>
        <translation>Column mapping (please check; you can change it)</translation>
    </message>
    <message>
        <source>表头所在行：</source>
        <translation>Header row:</translation>
    </message>
    <message>
        <source>{field}：</source>
        <translation>{field}:</translation>
    </message>
    <message>
        <source>只看有问题的行</source>
        <translation>Only rows with problems</translation>
    </message>
    <message>
        <source>尚未选择文件。</source>
        <translation>No file selected yet.</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>导入结果</source>
        <translation>Import Results</translation>
    </message>
    <message>
        <source>保存模板…</source>
        <translation>Save Template…</translation>
    </message>
    <message>
        <source>只检查，不写入</source>
        <translation>Check only, don&apos;t write</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>另存被拒绝的行…</source>
        <translation>Save Rejected Rows…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>当前岗位无权导入花名册</source>
        <translation>Your role is not allowed to import rosters</translation>
    </message>
    <message>
        <source>选择花名册</source>
        <translation>Choose Roster</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)</source>
        <translation>Excel Workbooks (*.xlsx *.xlsm);;All Files (*)</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>正在读取花名册…</source>
        <translation>Reading roster…</translation>
    </message>
    <message>
        <source>（不导入）</source>
        <translation>(don&apos;t import)</translation>
    </message>
    <message>
        <source>共 {total} 行：可导入 {valid} 行，将拒绝 {rejected} 行（红色），重复 {dup} 行将合并，跳过 {skipped} 行（合计行等）。</source>
        <translation>{total} rows: {valid} can be imported, {rejected} will be rejected (red), {dup} duplicates will be merged, {skipped} skipped (totals etc.).</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>正在导入花名册…</source>
        <translation>Importing roster…</translation>
    </message>
    <message>
        <source>试运行完成（没有写入）：将新增 {imported} 行，更新 {updated} 行，未变 {unchanged} 行，合并重复 {dup} 行，拒绝 {rejected} 行。</source>
        <translation>Dry run complete (nothing written): would add {imported} rows, update {updated}, leave {unchanged} unchanged, merge {dup} duplicates, reject {rejected}.</translation>
    </message>
    <message>
        <source>导入完成：新增 {imported} 行，更新 {updated} 行，未变 {unchanged} 行，合并重复 {dup} 行，拒绝 {rejected} 行。新建房屋 {rooms} 间、人员 {persons} 人。</source>
        <translation>Import complete: {imported} rows added, {updated} updated, {unchanged} unchanged, {dup} duplicates merged, {rejected} rejected. Created {rooms} rooms and {persons} people.</translation>
    </message>
    <message>
        <source>被拒绝的行见下表，可“另存被拒绝的行…”改正后再导入。</source>
        <translation>Rejected rows are listed below. Use &quot;Save Rejected Rows…&quot;, correct them, then import again.</translation>
    </message>
    <message>
        <source>保存花名册模板</source>
        <translation>Save Roster Template</translation>
    </message>
    <message>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel Workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>花名册模板.xlsx</source>
        <translation>roster-template.xlsx</translation>
    </message>
    <message>
        <source>保存模板</source>
        <translation>Save Template</translation>
    </message>
    <message>
        <source>模板已保存到 {path}</source>
        <translation>Template saved to {path}</translation>
    </message>
    <message>
        <source>另存被拒绝的行</source>
        <translation>Save Rejected Rows</translation>
    </message>
    <message>
        <source>被拒绝的行.xlsx</source>
        <translation>rejected-rows.xlsx</translation>
    </message>
    <message>
        <source>已保存 {n} 行到 {path}。改正后可再次导入，已导入的行不会重复。</source>
        <translation>Saved {n} rows to {path}. Correct them and import again; rows already imported will not be duplicated.</translation>
    </message>
</context>
<context>
    <name>Runner</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请稍候</source>
        <translation>Please wait</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>小区与程序设置</source>
        <translation>Community &amp; App Settings</translation>
    </message>
    <message>
        <source>小区名称</source>
        <translation>Community name</translation>
    </message>
    <message>
        <source>物业公司</source>
        <translation>Property company</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>客服电话</source>
        <translation>Service phone</translation>
    </message>
    <message>
        <source>无操作自动锁定（分钟）</source>
        <translation>Auto-lock after inactivity (minutes)</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>留空则自动使用系统中的中文字体</source>
        <translation>Leave blank to use a Chinese font installed on the system</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>打印字体文件</source>
        <translation>Print font file</translation>
    </message>
    <message>
        <source>投诉类别（每行一个）</source>
        <translation>Complaint categories (one per line)</translation>
    </message>
    <message>
        <source>重复投诉判定天数</source>
        <translation>Repeat complaint window (days)</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>报修</source>
        <translation>Repairs</translation>
    </message>
    <message>
        <source>报修类别（每行一个）</source>
        <translation>Repair categories (one per line)</translation>
    </message>
    <message>
        <source>超时标准</source>
        <translation>Time limits</translation>
    </message>
    <message>
        <source>到场时限</source>
        <translation>Arrive within</translation>
    </message>
    <message>
        <source>完工时限</source>
        <translation>Complete within</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source> 小时</source>
        <translation> h</translation>
    </message>
    <message>
        <source>超过时限的派工单在报修看板中显示为红色。</source>
        <translation>Work orders past these limits are shown in red on the Repairs board.</translation>
    </message>
    <message>
        <source>钥匙借期</source>
        <translation>Key Loan Periods</translation>
    </message>
    <message>
        <source>下班时间</source>
        <translation>Closing time</translation>
    </message>
    <message>
        <source>当日</source>
        <translation>Same day</translation>
    </message>
    <message>
        <source>“当日”的借出须在下班时间前归还；超过借期未还的列入催还。</source>
        <translation>&quot;Same day&quot; loans must be back by closing time; loans not back within their period are listed for chasing.</translation>
    </message>
    <message>
        <source>选择字体文件</source>
        <translation>Choose Font File</translation>
    </message>
    <message>
        <source>TrueType 字体 (*.ttf *.ttc)</source>
        <translation>TrueType Fonts (*.ttf *.ttc)</translation>
    </message>
    <message>
        <source>界面语言将在下次启动时生效。</source>
        <translation>The interface language will change the next time FrontDesk starts.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>登录 — FrontDesk 物业客服台</source>
        <translation>Sign In — FrontDesk Property Service Desk</translation>
    </message>
    <message>
        <source>物业客服台</source>
        <translation>Property Service Desk</translation>
    </message>
    <message>
        <source>FrontDesk 物业客服台</source>
        <translation>FrontDesk Property Service Desk</translation>
    </message>
    <message>
        <source>窗口已锁定。请输入 {name} 的密码继续，未保存的内容仍在。</source>
        <translation>The window is locked. Enter {name}&apos;s password to continue; unsaved work is still there.</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign In</translation>
    </message>
    <message>
        <source>退出程序</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>请填写用户名</source>
        <translation>Please enter your username</translation>
    </message>
    <message>
        <source>只能由锁定前的用户解锁</source>
        <translation>Only the user who locked the window can unlock it</translation>
    </message>
</context>
<context>
    <name>SlipPrinter</name>
    <message>
        <source>正在生成{title}（共 {n} 份）…</source>
        <translation>Generating {title} ({n} forms)…</translation>
    </message>
    <message>
        <source>正在生成{title}…</source>
        <translation>Generating {title}…</translation>
    </message>
    <message>
        <source>{title} 共 {n} 份</source>
        <translation>{title}, {n} forms</translation>
    </message>
    <message>
        <source>{title}-{serial}等{n}份.pdf</source>
        <translation>{title}-{serial}-etc-{n}-forms.pdf</translation>
    </message>
    <message>
        <source>打印预览 — {what}</source>
        <translation>Print Preview — {what}</translation>
    </message>
    <message>
        <source>打印预览 — {title} {serial}</source>
        <translation>Print Preview — {title} {serial}</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF Files (*.pdf)</translation>
    </message>
    <message>
        <source>无法写入 {path}：{err}</source>
        <translation>Cannot write {path}: {err}</translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>员工、施工单位与开发商</source>
        <translation>Staff, Contractors &amp; Developers</translation>
    </message>
    <message>
        <source>工作证号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>在职</source>
        <translation>Employed</translation>
    </message>
    <message>
        <source>离职</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>施工单位</source>
        <translation>Contractors</translation>
    </message>
    <message>
        <source>合作中</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <source>开发商</source>
        <translation>Developers</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>StaffForm</name>
    <message>
        <source>编辑员工</source>
        <translation>Edit Staff Member</translation>
    </message>
    <message>
        <source>新增员工</source>
        <translation>New Staff Member</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>工作证号</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>在职</source>
        <translation>Employed</translation>
    </message>
</context>
<context>
    <name>SurveyDialog</name>
    <message>
        <source>登记意见调查</source>
        <translation>Record Survey</translation>
    </message>
    <message>
        <source>房号</source>
        <translation>Room no.</translation>
    </message>
    <message>
        <source>业主/住户</source>
        <translation>Owners/Residents</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>未评</source>
        <translation>Not rated</translation>
    </message>
    <message>
        <source>核实</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>已核实评价真实</source>
        <translation>Ratings verified as genuine</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>请填写房号或业主姓名</source>
        <translation>Please enter the room no. or the owner&apos;s name</translation>
    </message>
    <message>
        <source>请至少评一项</source>
        <translation>Please rate at least one item</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>编辑用户</source>
        <translation>Edit User</translation>
    </message>
    <message>
        <source>新建用户</source>
        <translation>New User</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>岗位</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>用户与权限</source>
        <translation>Users &amp; Permissions</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>岗位</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>最近登录</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <source>新建用户…</source>
        <translation>New User…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>重设密码…</source>
        <translation>Reset Password…</translation>
    </message>
    <message>
        <source>停用</source>
        <comment>button</comment>
        <translation>Disable</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>全部用户</source>
        <translation>All Users</translation>
    </message>
    <message>
        <source>启用</source>
        <comment>button</comment>
        <translation>Enable</translation>
    </message>
    <message>
        <source>重设密码</source>
        <translation>Reset Password</translation>
    </message>
    <message>
        <source>已为 {name} 设置新密码。</source>
        <translation>A new password has been set for {name}.</translation>
    </message>
</context>
<context>
    <name>_KeyForm</name>
    <message>
        <source>保存后打印{title}</source>
        <translation>Print the {title} after saving</translation>
    </message>
</context>
<context>
    <name>_ListTab</name>
    <message>
        <source>新增…</source>
        <translation>New…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <source>程序出错</source>
        <translation>Unexpected Error</translation>
    </message>
    <message>
        <source>程序遇到一个意外错误，已记录到日志文件：
{path}

已保存的数据不受影响，可以继续工作。如果问题反复出现，请把日志文件发给技术支持。</source>
        <translation>FrontDesk ran into an unexpected error. It was written to the log file:
{path}

Saved data is not affected and you can keep working. If it happens again, send the log file to support.</translation>
    </message>
</context>
<context>
    <name>key_dialogs</name>
    <message>
        <source>{name}（空钩 {free} 个）</source>
        <translation>{name} ({free} empty hooks)</translation>
    </message>
    <message>
        <source>《钥匙借领确认单》</source>
        <translation>Key Loan Confirmation</translation>
    </message>
    <message>
        <source>《钥匙验收记录表》</source>
        <translation>Key Acceptance Record</translation>
    </message>
    <message>
        <source>《业主托存/移交钥匙登记表》</source>
        <translation>Owner Key Deposit/Handover Register</translation>
    </message>
</context>
<context>
    <name>labels</name>
    <message>
        <source>住宅</source>
        <translation>Residential</translation>
    </message>
    <message>
        <source>商铺</source>
        <translation>Shop</translation>
    </message>
    <message>
        <source>公共区域</source>
        <translation>Common area</translation>
    </message>
    <message>
        <source>已入住</source>
        <translation>Occupied</translation>
    </message>
    <message>
        <source>空置A 已接管未售</source>
        <translation>Vacant A: handed over, unsold</translation>
    </message>
    <message>
        <source>空置B 已售未入住</source>
        <translation>Vacant B: sold, not moved in</translation>
    </message>
    <message>
        <source>空置C 已入住未装修</source>
        <translation>Vacant C: keys collected, not renovated</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>业主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>住户</source>
        <translation>Resident</translation>
    </message>
    <message>
        <source>租户</source>
        <translation>Tenant</translation>
    </message>
    <message>
        <source>身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <source>驾驶证</source>
        <translation>Driver&apos;s license</translation>
    </message>
    <message>
        <source>护照</source>
        <translation>Passport</translation>
    </message>
    <message>
        <source>其他证件</source>
        <translation>Other ID</translation>
    </message>
    <message>
        <source>客服主管</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>客服助理</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <source>收费员</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>系统管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>每日自动</source>
        <translation>Daily (auto)</translation>
    </message>
    <message>
        <source>退出时自动</source>
        <translation>On exit (auto)</translation>
    </message>
    <message>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>升级前</source>
        <translation>Before upgrade</translation>
    </message>
    <message>
        <source>恢复前</source>
        <translation>Before restore</translation>
    </message>
    <message>
        <source>已受理</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>核实中</source>
        <translation>Verifying</translation>
    </message>
    <message>
        <source>处理中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>已升级</source>
        <translation>Escalated</translation>
    </message>
    <message>
        <source>已处理</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>已回访</source>
        <translation>Called back</translation>
    </message>
    <message>
        <source>已关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>无效</source>
        <translation>Invalid</translation>
    </message>
    <message>
        <source>来电</source>
        <translation>Phone call</translation>
    </message>
    <message>
        <source>来访</source>
        <translation>Visit</translation>
    </message>
    <message>
        <source>柜台</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>一般</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>严重</source>
        <translation>Serious</translation>
    </message>
    <message>
        <source>满意</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>基本满意</source>
        <translation>Mostly satisfied</translation>
    </message>
    <message>
        <source>不满意</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>受理投诉</source>
        <translation>Receive Complaint</translation>
    </message>
    <message>
        <source>添加证据</source>
        <translation>Add Evidence</translation>
    </message>
    <message>
        <source>开始核实</source>
        <translation>Start Verifying</translation>
    </message>
    <message>
        <source>判定无效</source>
        <translation>Mark Invalid</translation>
    </message>
    <message>
        <source>判定有效</source>
        <translation>Mark Valid</translation>
    </message>
    <message>
        <source>当场处理</source>
        <translation>Resolve on the Spot</translation>
    </message>
    <message>
        <source>约定处理期限</source>
        <translation>Agree on Deadline</translation>
    </message>
    <message>
        <source>转交部门</source>
        <translation>Refer to Department</translation>
    </message>
    <message>
        <source>升级至主管</source>
        <translation>Escalate to Supervisor</translation>
    </message>
    <message>
        <source>主管收回处理</source>
        <translation>Supervisor Takes Over</translation>
    </message>
    <message>
        <source>登记处理结果</source>
        <translation>Record Result</translation>
    </message>
    <message>
        <source>已致歉</source>
        <translation>Apologized</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>投诉回访</source>
        <translation>Complaint callback</translation>
    </message>
    <message>
        <source>维修回访</source>
        <translation>Repair callback</translation>
    </message>
    <message>
        <source>意见调查回访</source>
        <translation>Survey callback</translation>
    </message>
    <message>
        <source>定期走访</source>
        <translation>Routine visit</translation>
    </message>
    <message>
        <source>待回访</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>上门</source>
        <translation>Home visit</translation>
    </message>
    <message>
        <source>咨询</source>
        <translation>Inquiry</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>投诉</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <source>报修</source>
        <translation>Repair request</translation>
    </message>
    <message>
        <source>求助</source>
        <translation>Request for help</translation>
    </message>
    <message>
        <source>表扬</source>
        <translation>Praise</translation>
    </message>
    <message>
        <source>待处理</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>已采纳</source>
        <translation>Adopted</translation>
    </message>
    <message>
        <source>未采纳</source>
        <translation>Not adopted</translation>
    </message>
    <message>
        <source>待答复</source>
        <translation>Awaiting reply</translation>
    </message>
    <message>
        <source>已答复</source>
        <translation>Replied</translation>
    </message>
    <message>
        <source>未到期</source>
        <translation>Not due</translation>
    </message>
    <message>
        <source>即将到期</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>已超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>客服服务</source>
        <translation>Customer service</translation>
    </message>
    <message>
        <source>维修服务</source>
        <translation>Repair service</translation>
    </message>
    <message>
        <source>环境卫生</source>
        <translation>Cleanliness</translation>
    </message>
    <message>
        <source>安全秩序</source>
        <translation>Security</translation>
    </message>
    <message>
        <source>绿化养护</source>
        <translation>Landscaping</translation>
    </message>
    <message>
        <source>收费服务</source>
        <translation>Billing service</translation>
    </message>
    <message>
        <source>待派工</source>
        <translation>Awaiting dispatch</translation>
    </message>
    <message>
        <source>已派工</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>维修中</source>
        <translation>In repair</translation>
    </message>
    <message>
        <source>待确认费用</source>
        <translation>Awaiting fee approval</translation>
    </message>
    <message>
        <source>已完工</source>
        <translation>Completed</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>巡查发现</source>
        <translation>Patrol inspection</translation>
    </message>
    <message>
        <source>紧急</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>特急</source>
        <translation>Emergency</translation>
    </message>
    <message>
        <source>有偿</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>无偿</source>
        <translation>Free</translation>
    </message>
    <message>
        <source>派工</source>
        <translation>Dispatch</translation>
    </message>
    <message>
        <source>到场确认</source>
        <translation>Confirm Arrival</translation>
    </message>
    <message>
        <source>报价</source>
        <translation>Quote</translation>
    </message>
    <message>
        <source>业主确认费用</source>
        <translation>Owner Accepts Fee</translation>
    </message>
    <message>
        <source>完工验收</source>
        <translation>Complete and Sign Off</translation>
    </message>
    <message>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>退单</source>
        <translation>Send Back</translation>
    </message>
    <message>
        <source>转单</source>
        <translation>Reassign</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>返修</source>
        <translation>Rework</translation>
    </message>
    <message>
        <source>报修登记</source>
        <translation>Log Repair Request</translation>
    </message>
    <message>
        <source>返修单已建</source>
        <translation>Rework Order Created</translation>
    </message>
    <message>
        <source>修改报修信息</source>
        <translation>Edit Repair Request</translation>
    </message>
    <message>
        <source>在柜</source>
        <translation>In cabinet</translation>
    </message>
    <message>
        <source>借出</source>
        <translation>On loan</translation>
    </message>
    <message>
        <source>已交付</source>
        <translation>Handed over</translation>
    </message>
    <message>
        <source>遗失</source>
        <translation>Lost</translation>
    </message>
    <message>
        <source>损坏</source>
        <translation>Damaged</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>Retired</translation>
    </message>
    <message>
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>空钩</source>
        <translation>Empty hook</translation>
    </message>
    <message>
        <source>施工钥匙</source>
        <translation>Construction key</translation>
    </message>
    <message>
        <source>装修钥匙（第一把）</source>
        <translation>Decoration key (first)</translation>
    </message>
    <message>
        <source>装修钥匙（第二把）</source>
        <translation>Decoration key (second)</translation>
    </message>
    <message>
        <source>正式钥匙</source>
        <translation>Official key</translation>
    </message>
    <message>
        <source>业主托存</source>
        <translation>Owner deposit</translation>
    </message>
    <message>
        <source>公司员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>施工单位</source>
        <translation>Contractor</translation>
    </message>
    <message>
        <source>售楼人员</source>
        <translation>Sales staff</translation>
    </message>
    <message>
        <source>借出中</source>
        <translation>Out</translation>
    </message>
    <message>
        <source>已归还</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>归还短缺</source>
        <translation>Returned short</translation>
    </message>
    <message>
        <source>短信</source>
        <translation>Text message</translation>
    </message>
    <message>
        <source>收房交付</source>
        <translation>Move-in handover</translation>
    </message>
    <message>
        <source>第二把装修钥匙</source>
        <translation>Second decoration key</translation>
    </message>
    <message>
        <source>已报告主管</source>
        <translation>Reported to supervisor</translation>
    </message>
    <message>
        <source>业主已同意</source>
        <translation>Owner consented</translation>
    </message>
    <message>
        <source>业主不同意</source>
        <translation>Owner declined</translation>
    </message>
    <message>
        <source>补配钥匙</source>
        <translation>New key cut</translation>
    </message>
    <message>
        <source>换锁</source>
        <translation>Lock change</translation>
    </message>
    <message>
        <source>报告</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>盘点缺失</source>
        <translation>Missing at count</translation>
    </message>
    <message>
        <source>验收入柜</source>
        <translation>Accepted and hung</translation>
    </message>
    <message>
        <source>登记入柜</source>
        <translation>Registered and hung</translation>
    </message>
    <message>
        <source>归还</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>交付业主</source>
        <translation>Handed to owner</translation>
    </message>
    <message>
        <source>托存交还</source>
        <translation>Deposit given back</translation>
    </message>
    <message>
        <source>报告遗失/损坏</source>
        <translation>Reported lost/damaged</translation>
    </message>
    <message>
        <source>换锁作废</source>
        <translation>Retired by lock change</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Written off</translation>
    </message>
    <message>
        <source>换钩位</source>
        <translation>Moved hook</translation>
    </message>
    <message>
        <source>催还</source>
        <translation>Chased</translation>
    </message>
    <message>
        <source>业主同意处理</source>
        <translation>Owner agreed</translation>
    </message>
    <message>
        <source>业主不同意处理</source>
        <translation>Owner refused</translation>
    </message>
    <message>
        <source>当日未还</source>
        <translation>Not back same day</translation>
    </message>
    <message>
        <source>超期催还</source>
        <translation>Past loan period</translation>
    </message>
    <message>
        <source>今日到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>在位</source>
        <translation>Present</translation>
    </message>
    <message>
        <source>缺失</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>账外在位</source>
        <translation>Not on record</translation>
    </message>
    <message>
        <source>托存中</source>
        <translation>Held</translation>
    </message>
    <message>
        <source>已交还</source>
        <translation>Given back</translation>
    </message>
</context>
<context>
    <name>launcher</name>
    <message>
        <source>无法打开数据库</source>
        <translation>Cannot Open the Database</translation>
    </message>
    <message>
        <source>演示账号：zhang / zhang1234（客服主管）、li / li123456（客服助理）、wang / wang1234（收费员）、admin / admin1234（系统管理员）</source>
        <translation>Demo accounts: zhang / zhang1234 (Supervisor), li / li123456 (Assistant), wang / wang1234 (Cashier), admin / admin1234 (Administrator)</translation>
    </message>
    <message>
        <source>数据库损坏</source>
        <translation>Database Damaged</translation>
    </message>
    <message>
        <source>{message}

文件保持原样，没有被改动。没有找到可用的备份，请联系技术支持。</source>
        <translation>{message}

The file was left untouched. No usable backup was found; please contact support.</translation>
    </message>
    <message>
        <source>{message}

文件保持原样，没有被改动。
是否从最新的完好备份恢复？
备份时间：{when}
（损坏的文件会另存保留）</source>
        <translation>{message}

The file was left untouched.
Restore from the newest good backup?
Backup time: {when}
(The damaged file will be kept aside.)</translation>
    </message>
    <message>
        <source>已恢复</source>
        <translation>Restored</translation>
    </message>
    <message>
        <source>已从 {when} 的备份恢复。损坏的文件另存为：
{aside}</source>
        <translation>Restored from the backup of {when}. The damaged file was kept as:
{aside}</translation>
    </message>
</context>
<context>
    <name>repairs</name>
    <message>
        <source>{m} 分钟</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <source>{h} 小时 {m} 分</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <source>{h} 小时</source>
        <translation>{h} h</translation>
    </message>
    <message>
        <source>{d} 天 {h} 小时</source>
        <translation>{d} d {h} h</translation>
    </message>
    <message>
        <source>{d} 天</source>
        <translation>{d} d</translation>
    </message>
    <message>
        <source>{name}（在手 {open} 单，今日派 {today} 单）</source>
        <translation>{name} ({open} open, {today} dispatched today)</translation>
    </message>
</context>
</TS>
