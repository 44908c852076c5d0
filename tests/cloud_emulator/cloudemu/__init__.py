"""Cloud emulator for ctim-agent tests: Entra token endpoint, Microsoft Graph, Exchange Online admin API,
and an Entra Connect simulation that reads the lab AD. Independent of the agent's C++ code."""
