"""Online listing, auction and bidding for land, mining, property and other rights (网上挂牌 /
拍卖 / 网络竞价): the pure bidding engine (``engine``), the services (``services``), and the
live hall (``consumers``, ``desk``, ``relay``, ``hall``). See docs/auctions.md."""
