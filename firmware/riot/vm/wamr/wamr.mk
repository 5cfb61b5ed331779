# placeholder: the WAMR engine's build settings (vm/wamr)
USEPKG += wamr
