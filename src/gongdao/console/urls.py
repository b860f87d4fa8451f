from django.urls import path

from gongdao.console.views import account, admin, agent, shop

app_name = "console"
urlpatterns = [
    path("", account.home, name="home"),
    # merchant console
    path("shop/", shop.queue, name="shop_queue"),
    path("shop/cases/<str:case_id>/", shop.case, name="shop_case"),
    path("shop/cases/<str:case_id>/act/<str:action>/", shop.act, name="shop_act"),
    path("shop/cases/<str:case_id>/message/", shop.message, name="shop_message"),
    path("shop/replies/", shop.replies, name="replies"),
    path("shop/replies/new/", shop.reply_edit, name="reply_new"),
    path("shop/replies/<int:pk>/", shop.reply_edit, name="reply_edit"),
    path("shop/replies/<int:pk>/delete/", shop.reply_delete, name="reply_delete"),
    path("shop/staff/", shop.staff, name="staff"),
    path("shop/staff/<str:user_id>/remove/", shop.staff_remove, name="staff_remove"),
    path("shop/staff/<str:user_id>/link/", shop.staff_link, name="staff_link"),
    path("shop/settings/", shop.shop_settings, name="shop_settings"),
    # agent workbench
    path("agent/", agent.queue, name="agent_queue"),
    path("agent/cases/<str:case_id>/", agent.review, name="review"),
    path("agent/cases/<str:case_id>/assign/", agent.assign, name="assign"),
    path("agent/cases/<str:case_id>/note/", agent.note, name="note"),
    path("agent/cases/<str:case_id>/request-evidence/", agent.request_evidence, name="request_evidence"),
    path("agent/cases/<str:case_id>/act/<str:action>/", agent.act, name="agent_act"),
    path("agent/cases/<str:case_id>/decide/", agent.decide, name="decide"),
    path("agent/cases/<str:case_id>/law/", agent.law_facts, name="law_facts"),
    # admin
    path("overview/", admin.overview, name="overview"),
    path("agents/", admin.agents, name="agents"),
    path("agents/<str:user_id>/deactivate/", admin.agent_deactivate, name="agent_deactivate"),
    path("agents/<str:user_id>/link/", admin.agent_link, name="agent_link"),
    # invited people choose a password
    path("welcome/done/", account.set_password_done, name="set_password_done"),
    path("welcome/<uidb64>/<token>/", account.SetPasswordView.as_view(), name="set_password"),
]
