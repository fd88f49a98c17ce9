"""Online listing, auction and bidding for land, mining and property rights (网上挂牌 / 拍卖 /
网络竞价). Started in issue 7: so far the bidding engine (``engine``)."""
