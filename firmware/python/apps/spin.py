# spin (hostile app): never returns and never sleeps. The device must stop it when its
# instruction budget runs out and report budget_exhausted. As apps/spin.c.
print("spin: looping forever")
n = 0
while True:
    n += 1
