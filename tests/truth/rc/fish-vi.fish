# fish with its vi key bindings (`fish_vi_key_bindings` in config.fish):
# fish_mode_prompt draws the mode, "[I]" in insert mode, before the prompt.
fish_vi_key_bindings
