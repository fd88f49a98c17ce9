from django.apps import AppConfig


class AuctionsConfig(AppConfig):
    name = "ggzy.auctions"
    verbose_name = "网上挂牌、拍卖与网络竞价"  # Online listings, auctions and bidding

    def ready(self) -> None:
        from ggzy.workcalendar import published

        from .periods import published as sale_periods

        published.register("auctions", sale_periods)
