"""The public portal and open data (门户与开放数据): the pages the public reads (notices,
search, a trade's result, receipt verification) and the exports other systems read (OCDS
1.1, the national data specification). It reads every trading app and sits above them;
``disclosure`` below it holds what the trading apps publish into."""
