-- button-counter (demo app): a handler for button presses counts them, publishes the
-- count, and every 5th press emits event 100 to the gateway. As apps/button-counter.c.
local MILESTONE_EVERY, EVENT_MILESTONE = 5, 100

local presses = 0
local function on_button(_)
  presses = presses + 1
  publish("presses", presses)
  if presses % MILESTONE_EVERY == 0 then events.emit(EVENT_MILESTONE, presses) end
end

if not events.on("button", on_button) then
  write("button-counter: event table full\n")
  return 1
end
write("button-counter: counting presses\n")
return 0
