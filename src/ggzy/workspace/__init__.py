"""The workspace's building blocks (工作台): the to-do every app lists for its users.

It sits above ``accounts`` and ``workcalendar`` and below the trading apps, which build
their to-dos with it; ``web`` gathers them into the workspace page and API."""
