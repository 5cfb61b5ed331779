# button-counter (demo app): a handler for button presses counts them, publishes the
# count, and every 5th press emits event 100 to the gateway. As apps/button-counter.c.
MILESTONE_EVERY, EVENT_MILESTONE = 5, 100

presses = 0


def on_button(_):
    global presses
    presses += 1
    publish("presses", presses)
    if presses % MILESTONE_EVERY == 0:
        events.emit(EVENT_MILESTONE, presses)


if not events.on("button", on_button):
    print("button-counter: event table full")
    exit(1)
print("button-counter: counting presses")
