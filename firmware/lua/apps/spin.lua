-- spin (hostile app): never returns and never sleeps. The device must stop it when its
-- instruction budget runs out and report budget_exhausted. As apps/spin.c.
write("spin: looping forever\n")
local n = 0
while true do n = n + 1 end
