from django.contrib import admin

from gongdao.orders.models import Order, OrderLine


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("public_id", "external_id", "shop", "consumer", "ordered_at", "source")
    search_fields = ("public_id", "external_id")
    inlines = [LineInline]
